"""Caching never leaks: pages and fragments are shared only between readers with the same
grants, and every change that could alter what someone sees takes effect on the next request.

The access matrix runs again here with warm caches: each page is first requested by the most
privileged readers (between them, the source's publisher and the RED recipient may see every
label), then by every other role; and once more the other way round, least privileged first.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms.models import LibraryPage, TopicIndexPage
from portal.core import access
from portal.core.caching import bump_content_version
from portal.core.organisations.models import OrganisationStatus
from portal.core.pagecache import PageCacheMiddleware, mark_shared
from portal.core.tlp import TLP
from tests.world import EXPECTED, ROLES, make_user, title_for

LABELS = list(TLP)
PRIVILEGED_FIRST = ["publisher", "red_recipient"] + [
    role for role in ROLES if role not in ("publisher", "red_recipient")]


def listed(response, item):
    body = response.content.decode()
    return title_for(item.tlp_label) in body or item.url in body


def listing_urls(world):
    topics = TopicIndexPage.objects.get()
    return {
        "home": "/",
        "library": LibraryPage.objects.get(item_type="guidance").url,
        "topic": f"{topics.url}{world.topic.slug}/",
        "organisation": world.orgs["source"].page.url,
        "search": reverse("search") + "?q=matrix+marker",
    }


@pytest.mark.parametrize("order", ["privileged_first", "least_privileged_first"])
def test_access_matrix_with_warm_caches(client_for, world, order):
    roles = PRIVILEGED_FIRST if order == "privileged_first" else list(reversed(PRIVILEGED_FIRST))
    for page, url in listing_urls(world).items():
        for role in roles:
            response = client_for(role).get(url)
            assert response.status_code == 200
            for label in LABELS:
                assert listed(response, world.items[label]) == (role in EXPECTED[label]), (
                    f"{page} for {role} (warmed by {roles[:roles.index(role)]}): {label}")
    for label in LABELS:
        item = world.items[label]
        for role in roles:
            response = client_for(role).get(item.url)
            if role in EXPECTED[label]:
                assert response.status_code == 200, (label, role)
                assert title_for(label) in response.content.decode()
            else:
                assert response.status_code == (302 if role == "anonymous" else 404), (label, role)
                assert title_for(label) not in response.content.decode()
    topics_url = TopicIndexPage.objects.get().url
    for role in roles:
        seen = sum(role in EXPECTED[label] for label in LABELS)
        body = client_for(role).get(topics_url).content.decode()
        assert f"{seen} item{'s' if seen != 1 else ''} you may see" in body, role


def request_as(world, role):
    request = RequestFactory().get("/")
    request.user = world.users[role] if role != "anonymous" else AnonymousUser()
    return request


def grants_key(world, role):
    return access.grants_digest(access.principal_for(request_as(world, role)))


def test_readers_with_the_same_grants_share_entries_and_others_never_do(client_for, world):
    # Readers hold the same grants exactly when they may see the same things: members of one
    # organisation (nothing names them individually), and everyone who holds only the public
    # grant (anonymous, unverified, no organisation). The signed-in flag in the fragment key
    # still keeps anonymous pages apart (their "sign in" prompts differ).
    groups = [{"source_member", "contributor", "publisher"}, {"other_member"},
              {"recipient_member"}, {"red_recipient"}, {"unverified", "moderator", "anonymous"}]
    keys = [{grants_key(world, role) for role in group} for group in groups]
    assert all(len(group_keys) == 1 for group_keys in keys)
    assert len(set.union(*keys)) == len(groups)

    library = LibraryPage.objects.get(item_type="guidance").url
    assert client_for("source_member").get(library).status_code == 200

    def listing_queries(role):
        with CaptureQueriesContext(connection) as context:
            response = client_for(role).get(library)
        assert response.status_code == 200
        return response, [q["sql"] for q in context.captured_queries
                          if '"cms_itempage"' in q["sql"]]

    # Same grants: the contributor gets the member's cached listing (no listing query) ...
    response, queries = listing_queries("contributor")
    assert queries == []
    assert listed(response, world.items[TLP.AMBER_STRICT])
    # ... but their own header: per-person parts are never part of a shared entry; the sign-out
    # form's CSRF token is made for them on this request.
    body = response.content.decode()
    assert "contributor@world.test" in body and "source_member@world.test" not in body
    assert "csrfmiddlewaretoken" in body
    # Different grants: the other organisation's member has the listing built for them.
    response, queries = listing_queries("other_member")
    assert queries
    assert not listed(response, world.items[TLP.AMBER_STRICT])


def test_a_named_reader_keeps_apart_from_their_organisation(world):
    red = world.items[TLP.RED]
    assert access.principal_for(request_as(world, "red_recipient")).named
    assert not access.principal_for(request_as(world, "other_member")).named
    red.recipient_users.clear()
    red.save_revision().publish(skip_permission_checks=True)
    # Nothing names them any more: they now share with their organisation.
    assert grants_key(world, "red_recipient") == grants_key(world, "other_member")


def test_a_label_change_takes_effect_on_the_next_request(client_for, world):
    item = world.items[TLP.CLEAR]
    library = LibraryPage.objects.get(item_type="guidance").url
    anonymous = client_for("anonymous")
    assert anonymous.get(item.url).status_code == 200
    assert listed(anonymous.get(library), item)
    assert listed(anonymous.get("/"), item)
    other = client_for("other_member")
    assert listed(other.get(library), item)

    item.tlp = TLP.AMBER_STRICT
    item.save_revision().publish(skip_permission_checks=True)

    anonymous = client_for("anonymous")
    assert anonymous.get(item.url).status_code == 302
    assert not listed(anonymous.get(library), item)
    assert not listed(anonymous.get("/"), item)
    assert not listed(client_for("other_member").get(library), item)
    assert client_for("other_member").get(item.url).status_code == 404
    assert listed(client_for("source_member").get(library), item)


def test_a_recipient_change_takes_effect_on_the_next_request(
        client_for, world, django_capture_on_commit_callbacks):
    item = world.items[TLP.AMBER]
    library = LibraryPage.objects.get(item_type="guidance").url
    search = reverse("search") + "?q=matrix+marker"
    client = client_for("recipient_member")
    assert listed(client.get(library), item)
    assert listed(client.get(search), item)
    assert client.get(item.url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):  # the index follows at commit
        item.recipient_organisations.clear()
        item.save_revision().publish(skip_permission_checks=True)

    assert not listed(client.get(library), item)
    assert client.get(item.url).status_code == 404
    assert not listed(client.get(search), item)


def test_a_new_red_recipient_sees_the_item_on_the_next_request(client, world):
    item = world.items[TLP.RED]
    newcomer = make_user("newcomer@world.test", org=world.orgs["other"], role="member")
    client.force_login(newcomer)
    library = LibraryPage.objects.get(item_type="guidance").url
    assert not listed(client.get(library), item)  # cached as "named by nothing"

    item.recipient_users.add(newcomer)
    item.save_revision().publish(skip_permission_checks=True)

    assert listed(client.get(library), item)
    assert client.get(item.url).status_code == 200


def test_a_suspension_takes_effect_on_the_next_request(client_for, world):
    client = client_for("source_member")
    library = LibraryPage.objects.get(item_type="guidance").url
    assert listed(client.get(library), world.items[TLP.AMBER_STRICT])

    org = world.orgs["source"]
    org.status = OrganisationStatus.SUSPENDED
    org.save()

    response = client.get(library)
    for label in (TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT):
        assert not listed(response, world.items[label])
        assert client.get(world.items[label].url).status_code == 404
    assert listed(response, world.items[TLP.CLEAR])


@pytest.mark.parametrize("change", ["unpublish", "delete", "move"])
def test_unpublishing_deleting_and_moving_reach_cached_anonymous_pages(client_for, world, change):
    item = world.items[TLP.CLEAR]
    old_url = item.url
    library = LibraryPage.objects.get(item_type="guidance").url
    anonymous = client_for("anonymous")
    assert listed(anonymous.get(library), item)
    assert anonymous.get(old_url).status_code == 200

    if change == "unpublish":
        item.unpublish()
    elif change == "delete":
        item.delete()
    else:
        item.move(world.orgs["other"].page, pos="last-child")

    anonymous = client_for("anonymous")
    body = anonymous.get(library).content.decode()
    assert anonymous.get(old_url).status_code == 302  # restricted and missing look alike
    if change == "move":
        item.refresh_from_db()
        assert item.url in body and old_url not in body
        assert anonymous.get(item.url).status_code == 200
    else:
        assert title_for(TLP.CLEAR) not in body


def test_renaming_a_topic_reaches_cached_pages(client_for, world):
    anonymous = client_for("anonymous")
    assert world.topic.name in anonymous.get("/").content.decode()
    world.topic.name = "Renamed topic"
    world.topic.save()
    assert "Renamed topic" in client_for("anonymous").get("/").content.decode()


def test_anonymous_pages_are_public_and_revalidate_cheaply(client_for, world):
    url = world.items[TLP.CLEAR].url
    client = client_for("anonymous")
    first = client.get(url)
    assert first.status_code == 200
    assert "public" in first["Cache-Control"] and "max-age=" in first["Cache-Control"]
    assert "Cookie" in first["Vary"]
    etag = first["ETag"]
    with CaptureQueriesContext(connection) as context:
        again = client.get(url)
        not_modified = client.get(url, headers={"If-None-Match": etag})
    assert len(context.captured_queries) == 0
    assert again.content == first.content and again["ETag"] == etag
    assert not_modified.status_code == 304 and not_modified.content == b""
    # The validator is the page's content: after a change to the page it no longer matches.
    item = world.items[TLP.CLEAR]
    item.title = "Matrix clear marker, revised"
    item.save_revision().publish(skip_permission_checks=True)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "revised" in changed.content.decode()


def test_editors_are_never_served_shared_pages(client_for, world):
    library = LibraryPage.objects.get(item_type="guidance").url
    assert client_for("source_member").get(library).status_code == 200
    # Same grants as the member, but an editor: the page is built for them (their user bar
    # belongs to the page), so their Wagtail routing runs.
    with CaptureQueriesContext(connection) as context:
        response = client_for("publisher").get(library)
    assert any("wagtailcore_page" in q["sql"] for q in context.captured_queries)
    assert "publisher@world.test" in response.content.decode()
    assert 'href="/admin/"' in response.content.decode()  # their editor link


def test_restricted_and_signed_in_pages_are_private(client_for, world):
    anonymous = client_for("anonymous")
    redirect = anonymous.get(world.items[TLP.GREEN].url)
    assert redirect.status_code == 302
    assert redirect["Cache-Control"] == "private, no-store"
    member = client_for("source_member")
    for url in ("/", world.items[TLP.CLEAR].url, world.items[TLP.GREEN].url):
        response = member.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert "ETag" not in response


def test_a_visitor_with_a_session_is_not_served_the_shared_page(client_for, world):
    url = world.items[TLP.CLEAR].url
    client_for("anonymous").get(url)  # stored for visitors without a session
    member = client_for("source_member")  # a session cookie: the page is built for them
    body = member.get(url).content.decode()
    assert "source_member@world.test" in body
    assert member.get(url)["Cache-Control"] == "private, no-store"


def test_a_response_with_a_csrf_token_or_a_nonce_is_never_stored(db):
    calls = []
    template = engines["django"].from_string("<form>{% csrf_token %}</form>")

    def form_view(request):
        calls.append("form")
        return mark_shared(HttpResponse(template.render({}, request)))

    def nonce_view(request):
        calls.append("nonce")
        response = mark_shared(HttpResponse("<p>hi</p>"))
        response["Content-Security-Policy"] = f"script-src 'nonce-{len(calls)}'"
        return response

    factory = RequestFactory()
    for view, path in ((form_view, "/form/"), (nonce_view, "/nonce/")):
        middleware = PageCacheMiddleware(view)
        first = middleware(factory.get(path))
        second = middleware(factory.get(path))
        assert first["Cache-Control"] == second["Cache-Control"] == "private, no-store"
    assert calls == ["form", "form", "nonce", "nonce"]  # every request rendered afresh


def test_a_shared_page_is_stored_once_per_content_version(db):
    calls = []

    def view(request):
        calls.append(1)
        return mark_shared(HttpResponse(f"<p>render {len(calls)}</p>"))

    middleware = PageCacheMiddleware(view)
    factory = RequestFactory()
    assert middleware(factory.get("/x/")).content == b"<p>render 1</p>"
    assert middleware(factory.get("/x/")).content == b"<p>render 1</p>"
    assert middleware(factory.get("/x/?page=2")).content == b"<p>render 2</p>"
    bump_content_version()
    assert middleware(factory.get("/x/")).content == b"<p>render 3</p>"
    # Signed-in readers (a session cookie) always get a fresh, private rendering.
    expired = factory.get("/x/")  # a session cookie, but nobody signed in: built afresh
    expired.COOKIES["sessionid"] = "abc"
    expired.user = AnonymousUser()
    assert middleware(expired).content == b"<p>render 4</p>"


def test_pages_under_wagtail_privacy_are_never_shared(client, client_for, world):
    from wagtail.models import PageViewRestriction

    library = LibraryPage.objects.get(item_type="guidance")
    restriction = PageViewRestriction.objects.create(
        page=library, restriction_type=PageViewRestriction.PASSWORD, password="letmein-123")
    member = client_for("source_member")
    session = member.session
    session[restriction.passed_view_restrictions_session_key] = [restriction.pk]
    session.save()
    assert member.get(library.url).status_code == 200
    # A second member of the same organisation holds the same grants but has not given the
    # password: Wagtail asks them for it, and no page stored for the first answers instead.
    second = make_user("second@world.test", org=world.orgs["source"], role="member")
    client.logout()
    client.force_login(second)
    response = client.get(library.url)
    assert title_for(TLP.GREEN) not in response.content.decode()
    assert "password" in response.content.decode().lower()


@pytest.mark.services
def test_redis_holds_the_version_and_the_pages(db, settings):
    import os

    from django.core.cache import cache

    from portal.core.caching import VERSION_KEY, content_version
    from tests.conftest import skip_or_fail

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        skip_or_fail("Redis is not available (set REDIS_URL)")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": redis_url, "KEY_PREFIX": f"tests-{os.getpid()}"}}
    try:
        first = content_version()
        assert first and content_version() == first
        calls = []

        def view(request):
            calls.append(1)
            return mark_shared(HttpResponse(f"<p>render {len(calls)}</p>"))

        middleware = PageCacheMiddleware(view)
        factory = RequestFactory()
        assert middleware(factory.get("/r/")).content == b"<p>render 1</p>"
        assert middleware(factory.get("/r/")).content == b"<p>render 1</p>"  # from Redis
        bump_content_version()
        assert content_version() != first
        assert middleware(factory.get("/r/")).content == b"<p>render 2</p>"
    finally:
        cache.delete(VERSION_KEY)  # the pages expire on their own; other keys are not ours
