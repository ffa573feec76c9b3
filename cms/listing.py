"""Every list of items on the site is built here, through the access policy."""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404

from cms.access import item_policy
from portal.core import access
from portal.core.caching import for_grants

PAGE_SIZE = 12


def visible_items(principal: access.Principal):
    """Live items ``principal`` may see, newest first, ready for listing templates."""
    from cms.models import ItemPage

    return (
        ItemPage.objects.live()
        .filter(item_policy.visible_q(principal))
        .select_related("source_organisation")
        .prefetch_related("topics")
        .order_by("-first_published_at", "-pk")
    )


def visible_items_for(request):
    return visible_items(access.principal_for(request))


def paginate(request, queryset, per_page=PAGE_SIZE):
    """The requested page of ``queryset``; a page number that is not a page is a clear 404.

    The count is cached for readers with the same grants (keyed by the query itself), and the
    page's rows are only fetched when a template renders them, so a page whose listing comes
    from a cached fragment costs no listing query at all.
    """
    paginator = Paginator(queryset, per_page)
    paginator.count = for_grants(request, "count", queryset.count, str(queryset.query))
    number = request.GET.get("page", "1")
    try:
        return paginator.page(number)
    except (InvalidPage, ValueError, TypeError):
        raise Http404(f"There is no page {number[:20]!s} of these results.") from None
