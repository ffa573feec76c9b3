"""Facet names, titles and labels, shared by every backend."""

from cms.models import Audience, Topic
from cms.models.items import ITEM_TYPES_BY_SLUG, type_name_of
from portal.core.organisations.models import Organisation, OrganisationType
from portal.core.tlp import TLP
from search.query import SearchRequest
from search.results import Facet, FacetOption

TITLES = {
    "types": "Content type", "topics": "Topic", "audiences": "Audience",
    "organisation_types": "Organisation type", "organisations": "Organisation",
    "labels": "TLP label", "years": "Year",
}


def _labels(attr, values):
    if attr == "types":
        return {slug: type_name_of(slug) for slug in values if slug in ITEM_TYPES_BY_SLUG}
    if attr == "topics":
        return dict(Topic.objects.filter(slug__in=values).values_list("slug", "name"))
    if attr == "audiences":
        return dict(Audience.objects.filter(slug__in=values).values_list("slug", "name"))
    if attr == "organisations":
        return dict(Organisation.objects.filter(slug__in=values).values_list("slug", "name"))
    if attr == "organisation_types":
        return {value: OrganisationType(value).label for value in values
                if value in OrganisationType.values}
    if attr == "labels":
        return {value: TLP(value).label for value in values if value in TLP.values}
    return {value: str(value) for value in values}


def build_facets(request: SearchRequest, counts: dict[str, dict]) -> list[Facet]:
    """Facets from ``counts`` (attr -> {value: count}); chosen values stay listed at zero."""
    facets = []
    for attr, title in TITLES.items():
        chosen = {str(v) for v in getattr(request, attr)}
        by_value = {str(k): n for k, n in counts.get(attr, {}).items() if n}
        for value in chosen - set(by_value):
            by_value[value] = 0
        labels = _labels(attr, list(by_value))
        options = [FacetOption(value, labels.get(value, value), count, value in chosen)
                   for value, count in by_value.items()]
        if attr == "years":
            options.sort(key=lambda o: o.value, reverse=True)
        elif attr == "labels":
            options.sort(key=lambda o: TLP(o.value).rank if o.value in TLP.values else 99)
        else:
            options.sort(key=lambda o: (-o.count, o.label))
        facets.append(Facet(SearchRequest.PARAMS[attr], title, options))
    return facets
