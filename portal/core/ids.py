"""One rule for what may name a row, for ids from URLs, forms and query strings."""

MAX_ID = 2**63 - 1  # the largest key SQLite and PostgreSQL store; larger ones make lookups fail


def as_id(value) -> int | None:
    """The id ``value`` names, or None when it cannot name a row (not plain ASCII digits, zero,
    or beyond any key): callers answer such a value as they answer a missing row."""
    text = str(value)
    if not (text.isascii() and text.isdigit()):
        return None
    pk = int(text)
    return pk if 0 < pk <= MAX_ID else None


def is_id(value) -> bool:
    return as_id(value) is not None
