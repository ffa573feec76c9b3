"""Plain text from an item's StreamFields, for the search index."""

import html
import re

from django.utils.html import strip_tags
from wagtail.fields import StreamField

MAX_BODY_CHARS = 100_000
# Tags that end a block of text: stripping them must leave a space, or the last word of one
# list item runs into the first of the next ("access.See").
BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|h[1-6]|div|br|hr|blockquote|table|tr|td|th|pre)\b[^>]*>",
                       re.IGNORECASE)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            if key not in ("id", "type"):
                yield from _strings(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _strings(inner)


def body_text(page) -> str:
    """All text of the page's StreamFields, tags stripped, in field order."""
    parts = []
    for field in page._meta.get_fields():
        if isinstance(field, StreamField):
            raw = getattr(page, field.name).raw_data
            parts.extend(html.unescape(strip_tags(BLOCK_TAG.sub(" ", text)))
                         for text in _strings(list(raw)))
    return " ".join(" ".join(parts).split())[:MAX_BODY_CHARS]
