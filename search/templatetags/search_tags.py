from urllib.parse import urlencode

from django import template

from search.query import SearchRequest

register = template.Library()


@register.simple_tag
def search_params(search_request: SearchRequest, clear_filters=False, **changes):
    """The query string for ``search_request`` with ``changes`` (text, sort, page) applied."""
    if clear_filters:
        changes.update({attr: () for attr in SearchRequest.FILTERS})
    if "text" in changes:
        search_request = search_request.with_text(changes.pop("text"))
    return urlencode(search_request.to_params(**changes))


@register.filter
def first_index(page, per_page):
    return (int(page) - 1) * int(per_page) + 1


@register.filter
def count(number, approximate=False):
    """A count with thousands separators; an estimate is rounded to two significant figures
    and says so ("about 75,000")."""
    number = int(number)
    if not approximate:
        return f"{number:,}"
    rounded = round(number, 2 - len(str(number))) if number >= 100 else number
    return f"about {rounded:,}"
