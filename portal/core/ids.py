"""One rule for what may name a row, for ids from URLs, forms and query strings."""

from django import forms

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


# Model choice fields that refuse a value no row can have before the database sees it (SQLite
# fails on integers beyond 64 bits): the form says the choice is not valid, a 4xx, not a 500.


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not is_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"],
                                        code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            if not is_id(pk):
                raise forms.ValidationError(self.error_messages["invalid_pk_value"],
                                            code="invalid_pk_value", params={"pk": pk})
        return super()._check_values(value)
