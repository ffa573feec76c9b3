"""Every id a page points at is on that page: a label's ``for``, ``aria-describedby``,
``aria-labelledby`` and ``aria-controls``. A reference to a missing id silently drops the
help text or the name a screen reader would announce, and axe only lists it as "needs review".

The pages are the portal's own addresses walked from the URL resolver (all but the editor's),
with an organisation's slug where a route takes one, signed out and as an organisation admin;
each form among them is also sent back empty, so its error messages are checked too."""

from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.world import make_user

pytestmark = pytest.mark.django_db

REFERENCES = ("for", "aria-describedby", "aria-labelledby", "aria-controls")
SKIPPED = ("admin/", "django-admin/", "_util/", "accounts/logout/", "documents/", "sitemap",
           "feeds/", "api/", "healthz")


class IdRefs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.refs, self.has_post_form = set(), [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.has_post_form = True
        for name in REFERENCES:
            for target in (attrs.get(name) or "").split():
                self.refs.append((tag, name, target))

    def missing(self):
        return [ref for ref in self.refs if ref[2] not in self.ids]


def portal_routes(slug):
    """Each of the portal's own routes that needs no argument, or only an organisation slug."""

    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, route)
            elif isinstance(pattern, URLPattern) and not route.startswith(SKIPPED):
                converters = getattr(pattern.pattern, "converters", None)
                if converters is None or pattern.pattern.regex.groupindex and not converters:
                    continue  # regular expressions: Wagtail's page serving, checked elsewhere
                if not converters:
                    yield "/" + route
                elif set(converters) == {"slug"}:
                    yield "/" + route.replace("<slug:slug>", slug)

    return sorted(set(walk(get_resolver(), "")))


def check(response, url, method):
    parser = IdRefs()
    parser.feed(response.content.decode())
    assert not parser.missing(), (method, url, parser.missing())
    return parser


@pytest.mark.parametrize("who", ["anonymous", "organisation_admin"])
def test_every_reference_names_an_id_on_the_page(client, world, who):
    organisation = world.orgs["source"]
    routes = portal_routes(organisation.slug)
    assert len(routes) > 30  # the walk reaches the features' pages
    user = None
    if who == "organisation_admin":
        user = make_user("idrefs.admin@world.test", org=organisation, role="admin")
    pages = forms = 0
    for url in routes:
        client.logout()
        if user:
            client.force_login(user)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        pages += 1
        if check(response, url, "GET").has_post_form:
            answer = client.post(url, {})
            if answer.status_code == 200 and "text/html" in answer["Content-Type"]:
                check(answer, url, "POST")
                forms += 1
    assert pages >= (12 if user else 8) and forms >= (6 if user else 3), (pages, forms)
