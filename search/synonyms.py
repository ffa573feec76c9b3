"""The synonym list moderators keep in the admin, as every backend reads it.

Groups are cached until one is saved or deleted (search.models.Synonym's signals), so a search
costs no extra query.
"""

import re

from django.core.cache import cache

CACHE_KEY = "search-synonyms"
CACHE_SECONDS = 3600

Words = tuple[str, ...]


def parse_group(text: str) -> tuple[Words, ...]:
    """A group as typed ("pen test, penetration test; pentest"): its distinct entries, each as
    lower-case words."""
    entries = []
    for part in re.split(r"[,;\n]", text):
        words = tuple(re.findall(r"\w+", part.lower()))
        if words and words not in entries:
            entries.append(words)
    return tuple(entries)


def groups() -> dict[Words, tuple[Words, ...]]:
    """Every entry of every group -> all entries of its groups (an entry in two groups gets
    both)."""
    found = cache.get(CACHE_KEY)
    if found is None:
        from search.models import Synonym

        found = {}
        for text in Synonym.objects.values_list("terms", flat=True):
            group = parse_group(text)
            if len(group) < 2:
                continue
            for entry in group:
                found[entry] = tuple(dict.fromkeys([*found.get(entry, ()), *group]))
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def plan(terms):
    """What every backend matches for parsed ``terms``, with this list; None for no text."""
    from search.matching import plan_for

    return plan_for(terms, groups()) if terms else None


def forget(**kwargs) -> None:
    cache.delete(CACHE_KEY)
