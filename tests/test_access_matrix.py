"""Every TLP label x every role x every channel: allowed and denied, both ways.

The expected audience of each label is written out in tests.world.EXPECTED, independently of
portal.core.access, so a mistake in the policy shows up here as a leak or a lock-out.
"""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.test import override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms import admin_gate
from cms.blocks import RICH_FEATURES
from cms.models import HomePage, ItemPage, LibraryPage, OrganisationPage, TopicIndexPage
from portal.core.accounts.models import ApiToken
from portal.core.organisations.models import Organisation
from portal.core.tlp import TLP
from portal.features.digests import runs
from portal.features.digests.models import Delivery, DigestRun, Subscription
from portal.features.digests.sending import deliver_chunk
from tests.world import (
    EDITOR_ROLES,
    EXPECTED,
    GROUP_EXPECTED,
    GROUP_TITLE,
    PASSWORD,
    ROLES,
    add_editors,
    add_sharing_group_item,
    enrol_totp,
    make_item,
    title_for,
)

LABELS = list(TLP)
ROLE_NAMES = list(ROLES)


def _listed(response, item):
    body = response.content.decode()
    return title_for(item.tlp_label) in body or item.url in body


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("label", LABELS, ids=lambda label: label.value)
class TestChannels:
    def test_item_page(self, client_for, world, role, label):
        item = world.items[label]
        response = client_for(role).get(item.url)
        if role in EXPECTED[label]:
            assert response.status_code == 200
            assert title_for(label) in response.content.decode()
            assert label.label in response.content.decode()  # the TLP banner
        elif role == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))
        else:
            assert response.status_code == 404
            assert title_for(label) not in response.content.decode()

    def test_library_listing(self, client_for, world, role, label):
        library = LibraryPage.objects.get(item_type="guidance")
        response = client_for(role).get(library.url)
        assert response.status_code == 200
        assert _listed(response, world.items[label]) == (role in EXPECTED[label])

    def test_topic_page(self, client_for, world, role, label):
        topics = TopicIndexPage.objects.get()
        response = client_for(role).get(f"{topics.url}{world.topic.slug}/")
        assert response.status_code == 200
        assert _listed(response, world.items[label]) == (role in EXPECTED[label])

    def test_home_page(self, client_for, world, role, label):
        response = client_for(role).get("/")
        assert response.status_code == 200
        assert _listed(response, world.items[label]) == (role in EXPECTED[label])

    def test_organisation_page(self, client_for, world, role, label):
        response = client_for(role).get(world.orgs["source"].page.url)
        assert response.status_code == 200
        assert _listed(response, world.items[label]) == (role in EXPECTED[label])

    def test_document_download(self, client_for, world, role, label):
        document = world.documents[label]
        response = client_for(role).get(document.url)
        if role in EXPECTED[label]:
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == f"doc-{label.value}\n".encode()
        elif role == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == 404

    def test_sitemap_is_public_only(self, client_for, world, role, label):
        response = client_for(role).get("/sitemap.xml")
        assert response.status_code == 200
        # The sitemap is a public channel: the same for everyone, CLEAR items only.
        assert (world.items[label].url in response.content.decode()) == (label == TLP.CLEAR)

    def test_search_page(self, client_for, world, role, label):
        response = client_for(role).get(reverse("search"), {"q": "matrix marker"})
        assert response.status_code == 200
        assert _listed(response, world.items[label]) == (role in EXPECTED[label])

    def test_search_api_hits_and_facet_counts(self, client_for, world, role, label):
        response = client_for(role).get(reverse("search-api"), {"q": "matrix"})
        assert response.status_code == 200
        data = response.json()
        titles = {hit["title"] for hit in data["hits"]}
        assert (title_for(label) in titles) == (role in EXPECTED[label])
        tlp_facet = next(f for f in data["facets"] if f["name"] == "tlp")
        counted = {option["value"] for option in tlp_facet["options"] if option["count"]}
        assert (label.value in counted) == (role in EXPECTED[label])
        assert data["total"] == sum(role in EXPECTED[other] for other in LABELS)

    def test_autocomplete(self, client_for, world, role, label):
        response = client_for(role).get(reverse("search-autocomplete"), {"q": "matr"})
        assert response.status_code == 200
        titles = {s["title"] for s in response.json()["suggestions"]}
        assert (title_for(label) in titles) == (role in EXPECTED[label])

    def test_search_api_with_a_token(self, client, world, role, label):
        headers = {}
        if role != "anonymous":
            _token, key = ApiToken.issue(world.users[role], "matrix")
            headers["Authorization"] = f"Bearer {key}"
        response = client.get(reverse("search-api"), {"q": "matrix"}, headers=headers)
        assert response.status_code == 200
        titles = {hit["title"] for hit in response.json()["hits"]}
        assert (title_for(label) in titles) == (role in EXPECTED[label])

    def test_feed_is_public_only(self, client_for, world, role, label):
        response = client_for(role).get(reverse("feed-latest"))
        assert response.status_code == 200
        assert (title_for(label) in response.content.decode()) == (label == TLP.CLEAR)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_topic_counts_match_what_the_role_may_see(client_for, world, role):
    topics = TopicIndexPage.objects.get()
    response = client_for(role).get(topics.url)
    expected = sum(role in EXPECTED[label] for label in LABELS)
    assert response.status_code == 200
    assert f"{expected} item{'s' if expected != 1 else ''} you may see" in response.content.decode()


@pytest.mark.parametrize("role", [r for r in ROLE_NAMES if r != "anonymous"])
@pytest.mark.parametrize("label", LABELS, ids=lambda label: label.value)
class TestDigestChannels:
    """Digests and their archive: anonymous visitors have neither."""

    @pytest.fixture
    def sent(self, world, role):
        user = world.users[role]
        Subscription.objects.create(user=user, name="All", criteria="q=matrix",
                                    frequency="daily")
        now = timezone.now()
        ItemPage.objects.filter(pk__in=[i.pk for i in world.items.values()]).update(
            first_published_at=now - timedelta(days=1))
        run = runs.get_or_start_run("daily", now)[0]
        for chunk in runs.fan_out(run):
            deliver_chunk(run.pk, chunk)
        delivery = Delivery.objects.get(run=run, user=user)
        # For the archive: as if the digest had listed every item (then access changed).
        Delivery.objects.filter(pk=delivery.pk).update(
            item_ids=[i.pk for i in world.items.values()], status="sent")
        return mail.outbox, delivery

    def test_digest_email(self, sent, world, role, label):
        outbox, _ = sent
        body = "".join(m.body for m in outbox)
        assert (title_for(label) in body) == (role in EXPECTED[label])

    def test_digest_archive(self, sent, client_for, role, label):
        _, delivery = sent
        response = client_for(role).get(reverse("digest-archived", args=[delivery.pk]))
        assert response.status_code == 200
        assert (title_for(label) in response.content.decode()) == (role in EXPECTED[label])


# Sharing groups: a TLP:AMBER item shared through a group that holds the other organisation --

@pytest.fixture
def group_item(world, django_capture_on_commit_callbacks):
    from search.indexing import sync_item

    with django_capture_on_commit_callbacks(execute=True):
        item = add_sharing_group_item(world)
    sync_item(item.pk)
    return item


@pytest.mark.parametrize("role", ROLE_NAMES)
class TestSharingGroupChannels:
    def test_item_page(self, client_for, group_item, role):
        response = client_for(role).get(group_item.url)
        if role in GROUP_EXPECTED:
            assert response.status_code == 200 and GROUP_TITLE in response.content.decode()
        else:
            assert response.status_code == (302 if role == "anonymous" else 404)
            assert GROUP_TITLE not in response.content.decode()

    def test_listings(self, client_for, world, group_item, role):
        client = client_for(role)
        topic_page = f"{TopicIndexPage.objects.get().url}{world.topic.slug}/"
        for url in ("/", LibraryPage.objects.get(item_type="guidance").url, topic_page,
                    world.orgs["source"].page.url):
            body = client.get(url).content.decode()
            assert (GROUP_TITLE in body) == (role in GROUP_EXPECTED), url

    def test_search(self, client_for, group_item, role):
        client = client_for(role)
        page = client.get(reverse("search"), {"q": "zeppelin"}).content.decode()
        assert (GROUP_TITLE in page) == (role in GROUP_EXPECTED)
        hits = client.get(reverse("search-api"), {"q": "zeppelin"}).json()["hits"]
        assert ({hit["title"] for hit in hits} == {GROUP_TITLE}) == (role in GROUP_EXPECTED)
        suggestions = client.get(reverse("search-autocomplete"), {"q": "zeppel"}).json()
        assert (GROUP_TITLE in {s["title"] for s in suggestions["suggestions"]}) == (
            role in GROUP_EXPECTED)

    def test_digest_email(self, world, group_item, role):
        if role == "anonymous":
            return
        user = world.users[role]
        Subscription.objects.create(user=user, name="Zeppelins", criteria="q=zeppelin",
                                    frequency="daily")
        now = timezone.now()
        ItemPage.objects.filter(pk=group_item.pk).update(
            first_published_at=now - timedelta(days=1))
        run = runs.get_or_start_run("daily", now)[0]
        for chunk in runs.fan_out(run):
            deliver_chunk(run.pk, chunk)
        body = "".join(m.body for m in mail.outbox)
        assert (GROUP_TITLE in body) == (role in GROUP_EXPECTED)


# The editor: Wagtail's admin and the choosers, reports and API it serves ----------------------

ADMIN_MISSING_ID = 2_000_000_000


def _join(route, part):
    part = str(part)
    return route + (part[1:] if route and part.startswith("^") else part)


def admin_routes():
    """Every URL pattern under the admin, walked from the resolver, as match-like records."""
    prefix = reverse("wagtailadmin_home").lstrip("/")

    def walk(resolver, route, namespaces, names):
        for pattern in resolver.url_patterns:
            inner = pattern.pattern
            own = list(getattr(inner, "converters", {}) or inner.regex.groupindex)
            if isinstance(pattern, URLResolver):
                spaces = namespaces + ([pattern.namespace] if pattern.namespace else [])
                yield from walk(pattern, _join(route, inner), spaces, names + own)
                continue
            full = _join(route, inner)
            if full.startswith(prefix):
                yield SimpleNamespace(
                    route=full, url_name=pattern.name, namespaces=namespaces,
                    view_name=":".join([*namespaces, pattern.name or ""]),
                    kwarg_names=names + own,
                    converters=getattr(inner, "converters", {}),
                )

    return list(walk(get_resolver(), "", [], []))


ADMIN_ROUTES = admin_routes()
# Keyword arguments that never name a page or a document: a decision that leaves a keyword
# argument out of its ids must be one of these, or the test below fails.
NOT_ITEM_KWARGS = {
    "app_label", "model_name", "content_type_app_name", "content_type_model_name", "app_name",
    "action", "action_name", "revision_id", "revision_id_a", "revision_id_b", "task_state_id",
    "task_id", "workflow_state_id", "workflow_pk", "session_id", "uploaded_file_id",
    "uidb64", "token", "filter_spec", "image_id", "collection_id", "redirect_id",
}


def test_every_admin_route_has_a_decision():
    assert len(ADMIN_ROUTES) > 200  # the walk reaches Wagtail's own routes
    undecided, unexplained = [], []
    for route in ADMIN_ROUTES:
        decision = admin_gate.decision_for(route)
        if decision is None:
            undecided.append(route.route)
            continue
        for name in route.kwarg_names:
            namespace_level = route_key(route) not in admin_gate.ROUTES
            if (name not in decision.ids and name != decision.model_ids
                    and name not in NOT_ITEM_KWARGS and not (namespace_level and name == "pk")
                    and not decision.superusers_only):
                unexplained.append(f"{route.route}: {name}")
    assert not undecided, f"admin routes without a decision in cms.admin_gate: {undecided}"
    assert not unexplained, f"keyword arguments not decided: {unexplained}"


def route_key(route):
    return admin_gate.route_key(route)


def test_an_undecided_route_is_closed_to_all_but_superusers(world):
    route = SimpleNamespace(route="admin/new/", url_name="new", namespaces=["someone"],
                            view_name="someone:new", kwargs={})
    assert admin_gate.decision_for(route) is None
    assert not admin_gate.may_pass(world.users["publisher"], None, route, QueryDict())
    assert admin_gate.may_pass(get_user_model()(is_superuser=True), None, route, QueryDict())


ITEM_ROUTES = [route for route in ADMIN_ROUTES
               if (d := admin_gate.decision_for(route)) and (d.ids or d.model_ids)]


@pytest.fixture
def editors(world):
    # The other organisation publishes directly (four eyes off), so the publishing paths are
    # exercised here; four eyes is tested in test_four_eyes.py.
    Organisation.objects.filter(pk=world.orgs["other"].pk).update(four_eyes=False)
    return add_editors(world)


def restricted_for(world, role):
    """(pages, documents) another organisation holds that ``role`` may not see."""
    if EDITOR_ROLES[role] and EDITOR_ROLES[role][0] == "source":
        return [world.items["elsewhere"]], [world.documents["elsewhere"]]
    return [world.items[TLP.RED], world.items["draft"]], [world.documents[TLP.RED]]


def own_page(world, role):
    spec = EDITOR_ROLES[role]
    if spec is None:
        return HomePage.objects.get()
    return OrganisationPage.objects.get(organisation=world.orgs[spec[0]])


def sample_kwargs(route, decision, kind, item_id, world, role):
    """URL arguments for ``route``, naming ``item_id`` where the kind fits and visible or
    harmless values elsewhere."""
    kwargs = {}
    for name in route.kwarg_names:
        if name in decision.ids:
            kwargs[name] = item_id if decision.ids[name] == kind else own_page(world, role).pk
        elif name == decision.model_ids:
            kwargs[name] = item_id
        elif name == "revision_id_a":
            kwargs[name] = "earliest"
        elif name == "revision_id_b":
            kwargs[name] = "latest"
        elif name in ("app_label", "model_name") and decision.model_ids:
            kwargs[name] = {"page": ("wagtailcore", "page"),
                            "document": ("wagtaildocs", "document")}[kind][
                name == "model_name"]
        else:
            kwargs[name] = 1 if route.converters.get(name).__class__.__name__ == "IntConverter" \
                else "x"
    return kwargs


CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def _same_answer(restricted, missing, restricted_id, missing_id):
    """Same status and body (the id itself, and the per-response CSRF mask, aside)."""
    assert restricted.status_code == missing.status_code

    def normal(response, pk):
        body = CSRF_TOKEN.sub(b"csrf", response.content)
        for form in (f"/{pk}/", f"id={pk}"):  # where an address could be echoed
            body = body.replace(form.encode(), b"<id>")
        return body

    assert normal(restricted, restricted_id) == normal(missing, missing_id)


def _reveals(body, pages=(), documents=()):
    found = [page.title for page in pages if page.title in body]
    found += [page.url for page in pages if page.url and page.url in body]
    found += [d.title for d in documents if d.title in body]
    found += [d.filename for d in documents if d.filename in body]
    return found


@pytest.mark.parametrize("role", list(EDITOR_ROLES))
class TestEditor:
    """Every admin route that takes a page or document id, for each editor role: a restricted
    id of another organisation answers exactly as a missing one, and reveals nothing."""

    def test_item_routes_answer_restricted_as_missing(self, client, editors, role):
        world = editors
        client.force_login(world.users[role])
        pages, documents = restricted_for(world, role)
        checked = 0
        for route in ITEM_ROUTES:
            decision = admin_gate.decision_for(route)
            kinds = set(decision.ids.values()) or {admin_gate.PAGE, admin_gate.DOCUMENT}
            for kind in kinds:
                targets = pages if kind == admin_gate.PAGE else documents
                for number, target in enumerate(targets):
                    urls = [reverse(route.view_name, kwargs=sample_kwargs(
                        route, decision, kind, pk, world, role))
                        for pk in (target.pk, ADMIN_MISSING_ID)]
                    for method in ("get", "post") if number == 0 else ("get",):
                        restricted = getattr(client, method)(urls[0])
                        missing = getattr(client, method)(urls[1])
                        assert restricted.status_code == 404, (urls[0], method)
                        _same_answer(restricted, missing, target.pk, ADMIN_MISSING_ID)
                        assert not _reveals(restricted.content.decode(), pages, documents)
                        checked += 1
        assert checked >= 2 * len(ITEM_ROUTES)

    def test_own_organisation_routes_still_work(self, client, editors, role):
        world = editors
        client.force_login(world.users[role])
        if EDITOR_ROLES[role] is None:
            return  # the moderator edits no pages
        own = world.items[TLP.RED] if EDITOR_ROLES[role][0] == "source" else \
            world.items["elsewhere"]
        response = client.get(reverse("wagtailadmin_pages:edit", args=[own.pk]))
        assert response.status_code == 200
        assert own.title in response.content.decode()

    def test_page_chooser_chosen_multiple(self, client, editors, role):
        world = editors
        client.force_login(world.users[role])
        pages, _ = restricted_for(world, role)
        url = reverse("wagtailadmin_choose_page_chosen_multiple")
        for page in pages:
            restricted = client.get(url, {"id": [page.pk]})
            missing = client.get(url, {"id": [ADMIN_MISSING_ID]})
            _same_answer(restricted, missing, page.pk, ADMIN_MISSING_ID)
            assert not _reveals(restricted.content.decode(), pages)
            mixed = client.get(url, {"id": [world.items[TLP.CLEAR].pk, page.pk]})
            assert mixed.status_code == 404
        visible = client.get(url, {"id": [world.items[TLP.CLEAR].pk]})
        assert visible.status_code == 200
        assert title_for(TLP.CLEAR) in visible.content.decode()

    def test_document_chooser_chosen_multiple(self, client, editors, role):
        world = editors
        client.force_login(world.users[role])
        _, documents = restricted_for(world, role)
        url = reverse("wagtaildocs_chooser:chosen_multiple")
        for document in documents:
            restricted = client.get(url, {"id": [document.pk]})
            missing = client.get(url, {"id": [ADMIN_MISSING_ID]})
            _same_answer(restricted, missing, document.pk, ADMIN_MISSING_ID)
            assert not _reveals(restricted.content.decode(), documents=documents)

    @pytest.mark.parametrize("model,action", [
        ("wagtailcore/page", "delete"), ("wagtailcore/page", "move"),
        ("wagtailcore/page", "publish"), ("wagtailcore/page", "unpublish"),
        ("wagtaildocs/document", "delete"), ("wagtaildocs/document", "add_to_collection"),
    ])
    def test_bulk_action_confirmations(self, client, editors, role, model, action):
        world = editors
        client.force_login(world.users[role])
        pages, documents = restricted_for(world, role)
        targets = pages if model.endswith("page") else documents
        url = f"/admin/bulk/{model}/{action}/"
        for target in targets:
            restricted = client.get(url, {"id": target.pk, "next": "/admin/"})
            missing = client.get(url, {"id": ADMIN_MISSING_ID, "next": "/admin/"})
            _same_answer(restricted, missing, target.pk, ADMIN_MISSING_ID)
            assert not _reveals(restricted.content.decode(), pages, documents)
        everything = client.get(url, {"id": "all", "next": "/admin/"})
        assert everything.status_code == 404
        assert not _reveals(everything.content.decode(), pages, documents)

    def test_reports_and_listings_show_nothing_restricted(self, client, editors, role):
        world = editors
        client.force_login(world.users[role])
        pages, documents = restricted_for(world, role)
        by_type = {"content_type_app_name": "cms", "content_type_model_name": "guidancepage"}
        for route in ADMIN_ROUTES:
            decision = admin_gate.decision_for(route)
            if (set(route.kwarg_names) - set(by_type) or not route.url_name
                    or decision.superusers_only):
                continue
            if route.view_name in ("wagtailadmin_logout", "wagtailadmin_error_test"):
                continue
            kwargs = {name: by_type[name] for name in route.kwarg_names}
            response = client.get(reverse(route.view_name, kwargs=kwargs), {"q": "marker"})
            assert response.status_code < 500, route.view_name
            body = response.content.decode()
            assert not _reveals(body, pages, documents), route.view_name

    def test_switched_off_routes(self, client, editors, role):
        world = editors
        client.force_login(world.users[role])
        for name in ("wagtailadmin_reports:page_types_usage", "wagtailadmin_api:documents:listing"):
            assert client.get(reverse(name)).status_code == 404
        usage = reverse("organisations:usage", args=[world.orgs["source"].pk])
        assert client.get(usage).status_code == 404

    def test_admin_api(self, client, editors, role):
        world = editors
        client.force_login(world.users[role])
        pages, documents = restricted_for(world, role)
        for params in ({}, {"search": "doc"}, {"search": "marker"}):
            response = client.get("/admin/api/main/documents/", params)
            assert response.status_code == 404
            assert not _reveals(response.content.decode(), documents=documents)
        for page in pages:
            restricted = client.get(f"/admin/api/main/pages/{page.pk}/")
            missing = client.get(f"/admin/api/main/pages/{ADMIN_MISSING_ID}/")
            _same_answer(restricted, missing, page.pk, ADMIN_MISSING_ID)
            for params in ({"child_of": page.get_parent().pk}, {"search": "marker"},
                           {"descendant_of": page.get_parent().pk}):
                listing = client.get("/admin/api/main/pages/", params)
                assert not _reveals(listing.content.decode(), [page]), params


def test_superusers_keep_the_switched_off_routes(client, world):
    admin = get_user_model().objects.create_superuser(email="root@world.test",
                                                      password=PASSWORD)
    enrol_totp(admin)  # site admins must use two-factor sign-in
    client.force_login(admin)
    assert client.get(reverse("wagtailadmin_reports:page_types_usage")).status_code == 200
    response = client.get("/admin/api/main/documents/")
    assert response.status_code == 200
    assert "doc-red" in response.content.decode()


def test_moderator_sees_no_delivery_items(client, world):
    delivery_user = world.users["red_recipient"]
    run = DigestRun.objects.create(frequency="daily", window_start=timezone.now(),
                                   window_end=timezone.now(),
                                   deadline=timezone.now() + timedelta(days=1))
    delivery = Delivery.objects.create(run=run, user=delivery_user, status="sent",
                                       subject="[TLP:RED] Matrix red marker",
                                       item_ids=[world.items[TLP.RED].pk, 987654321])
    client.force_login(world.users["moderator"])
    response = client.get(reverse("digest-deliveries:inspect", args=[delivery.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    # The ids are not shown: a distinctive one stands for them (a short pk such as 17 could
    # appear by chance in a date or a token).
    assert "Matrix red marker" not in body and "987654321" not in body


# Documents and links: an editor can neither widen a document's audience nor resolve a link ---

def _page_form(title, *, body=(), attachments=(), tlp="clear", **extra):
    return nested_form_data({
        "title": title, "slug": title.lower().replace(" ", "-"), "summary": "A summary.",
        "body": streamfield(list(body) or [("paragraph", rich_text("<p>Text.</p>"))]),
        "tlp": tlp,
        "attachments": inline_formset([{"document": pk, "caption": ""} for pk in attachments]),
        "clause_links": inline_formset([]),
        **extra,
    })


def _linking(html):
    return [("paragraph", rich_text(html, features=RICH_FEATURES))]


ATTACKS = {
    "attachment": lambda doc: {"attachments": [doc.pk]},
    "document block": lambda doc: {"body": [("document", doc.pk)]},
    "rich-text document link": lambda doc: {
        "body": _linking(f'<p><a linktype="document" id="{doc.pk}">the file</a></p>')},
}


def _anyone_may_download(client, document):
    client.logout()
    return client.get(document.url).status_code == 200


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("action", ["action-publish", "action-submit", "preview"])
def test_an_editor_cannot_widen_another_organisations_document(client, editors, attack, action):
    world = editors
    restricted = world.documents[TLP.RED]
    role = "other_contributor" if action == "action-submit" else "other_publisher"
    client.force_login(world.users[role])
    parent = OrganisationPage.objects.get(organisation=world.orgs["other"])
    data = _page_form("Widening attempt", **ATTACKS[attack](restricted))
    if action == "preview":
        url = reverse("wagtailadmin_pages:preview_on_add",
                      args=["cms", "guidancepage", parent.pk])
        response = client.post(url, data)
        assert response.json()["is_valid"] is False
    else:
        data[action] = "go"
        url = reverse("wagtailadmin_pages:add", args=["cms", "guidancepage", parent.pk])
        response = client.post(url, data)
        assert response.status_code == 200
        assert f"Document {restricted.pk} cannot be used here" in response.content.decode()
    assert not ItemPage.objects.filter(title="Widening attempt").exists()
    assert not _anyone_may_download(client, restricted)


@pytest.mark.parametrize("attack", ATTACKS)
def test_an_editor_may_use_own_and_public_documents(client, editors, attack):
    world = editors
    client.force_login(world.users["other_publisher"])
    parent = OrganisationPage.objects.get(organisation=world.orgs["other"])
    for document, title in ((world.documents[TLP.CLEAR], "Public one"),
                            (world.documents["elsewhere"], "Own one")):
        data = _page_form(title, **ATTACKS[attack](document))
        data["action-publish"] = "go"
        response = client.post(
            reverse("wagtailadmin_pages:add", args=["cms", "guidancepage", parent.pk]), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        assert ItemPage.objects.get(title=title).live


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_page_that_uses_another_organisations_document_widens_nothing(client, editors,
                                                                         attack):
    """Even if such a page went live (a superuser's mistake, code), the download rule asks
    the document's own organisation, and rendering resolves nothing for the reader."""
    world = editors
    restricted = world.documents[TLP.RED]
    fields = {"attachment": {"document": restricted},
              "document block": {"body": [{"type": "document", "value": restricted.pk}]},
              "rich-text document link": {"body": [{"type": "paragraph", "value":
                  f'<p><a linktype="document" id="{restricted.pk}">the file</a></p>'}]}}[attack]
    page = make_item(world.orgs["other"], TLP.CLEAR, "Widening page", **fields)
    assert not _anyone_may_download(client, restricted)
    for role in ("anonymous", "other_member", "other_publisher"):
        response = client_as(client, world, role).get(restricted.url)
        assert response.status_code == (302 if role == "anonymous" else 404)
        body = client_as(client, world, role).get(page.url).content.decode()
        assert restricted.url not in body and restricted.title not in body


def client_as(client, world, role):
    client.logout()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def test_links_to_pages_the_editor_may_not_see_are_refused(client, editors):
    world = editors
    client.force_login(world.users["other_publisher"])
    parent = OrganisationPage.objects.get(organisation=world.orgs["other"])
    for target in (world.items[TLP.RED], world.items["draft"]):
        data = _page_form("Linking attempt", body=_linking(
            f'<p><a linktype="page" id="{target.pk}">see</a></p>'))
        preview = client.post(reverse("wagtailadmin_pages:preview_on_add",
                                      args=["cms", "guidancepage", parent.pk]), data)
        assert preview.json()["is_valid"] is False
        data["action-publish"] = "go"
        response = client.post(
            reverse("wagtailadmin_pages:add", args=["cms", "guidancepage", parent.pk]), data)
        assert response.status_code == 200
        body = response.content.decode()
        assert f"The link to page {target.pk} cannot be used" in body
        assert target.title not in body
    assert not ItemPage.objects.filter(title="Linking attempt").exists()


def test_publishing_checks_the_references_again(editors):
    """A revision saved outside the form (or before access changed) is checked for whoever
    publishes it: a workflow's approver, or the revision's author when scheduled."""
    world = editors
    page = make_item(world.orgs["other"], TLP.CLEAR, "Approved later")
    page.body = [{"type": "paragraph", "value":
                  f'<p><a linktype="page" id="{world.items[TLP.RED].pk}">see</a></p>'}]
    revision = page.save_revision(user=world.users["other_contributor"])
    with pytest.raises(PermissionDenied):
        revision.publish(user=world.users["other_publisher"])
    with pytest.raises(PermissionDenied):
        revision.publish()  # scheduled: checked for its author
    page.refresh_from_db()
    assert f'id="{world.items[TLP.RED].pk}"' not in str(page.body)


def test_rendering_resolves_links_only_for_readers_who_may_see_them(client, editors):
    world = editors
    red, red_document = world.items[TLP.RED], world.documents[TLP.RED]
    page = make_item(world.orgs["other"], TLP.CLEAR, "Links everywhere", body=[
        {"type": "paragraph", "value":
         f'<p><a linktype="page" id="{red.pk}">one</a> <a linktype="document" '
         f'id="{red_document.pk}">two</a></p>'},
        {"type": "document", "value": red_document.pk},
    ])
    for role in ROLE_NAMES:
        body = client_as(client, world, role).get(page.url).content.decode()
        assert (red.url in body) == (role in EXPECTED[TLP.RED]), role
        # The document follows its own organisation's item, not the page that embeds it.
        assert ("doc-red" in body) == (role in EXPECTED[TLP.RED]), role


def test_slug_change_redirects_follow_only_readers_who_may_see_the_item(
        client, editors, django_capture_on_commit_callbacks):
    world = editors
    item = world.items[TLP.RED]
    old_url = item.url
    item.slug = "renamed-red"
    with django_capture_on_commit_callbacks(execute=True):
        item.save_revision().publish(skip_permission_checks=True)
    assert Redirect.objects.filter(redirect_page=item).exists()
    missing_url = old_url.rstrip("/") + "-never-was/"
    for role in ("other_member", "source_member", "publisher"):
        c = client_as(client, world, role)
        restricted, missing = c.get(old_url), c.get(missing_url)
        assert restricted.status_code == missing.status_code == 404
        assert CSRF_TOKEN.sub(b"", restricted.content) == CSRF_TOKEN.sub(b"", missing.content)
    assert client_as(client, world, "red_recipient").get(old_url).status_code == 301


@pytest.mark.parametrize("debug", [False, True])
def test_restricted_items_and_documents_answer_as_missing_ones(client, editors, debug):
    """With DEBUG on (as bin/run starts the portal) exactly as in production."""
    world = editors
    item, document = world.items[TLP.RED], world.documents[TLP.RED]
    pairs = [
        (item.url, item.url.rstrip("/") + "-never-was/"),
        (document.url, f"/documents/{ADMIN_MISSING_ID}/{document.filename}"),
        (document.url, document.url.replace(document.filename, "other-name.txt")),
    ]
    with override_settings(DEBUG=debug):
        for role in ("anonymous", "other_member", "other_publisher"):
            c = client_as(client, world, role)
            for restricted_url, missing_url in pairs:
                restricted, missing = c.get(restricted_url), c.get(missing_url)
                assert restricted.status_code == missing.status_code, (role, missing_url)
                if role == "anonymous":
                    assert restricted.status_code == 302
                else:
                    assert restricted.status_code == 404
                    assert CSRF_TOKEN.sub(b"", restricted.content) == \
                        CSRF_TOKEN.sub(b"", missing.content)


def test_draft_titles_stay_with_their_editors(client, editors):
    world = editors
    item = world.items[TLP.CLEAR]
    item.title = "Secret new title marker"
    item.save_revision(user=world.users["publisher"])  # a draft, not published
    url = reverse("wagtailadmin_choose_page_chosen_multiple")
    for role, sees_draft in (("publisher", True), ("other_publisher", False),
                             ("moderator", False)):
        body = client_as(client, world, role).get(url, {"id": [item.pk]}).content.decode()
        assert ("Secret new title marker" in body) == sees_draft, role
        assert title_for(TLP.CLEAR) in body or sees_draft


def test_an_approver_cannot_publish_a_reference_they_may_not_make(client, editors):
    world = editors
    page = make_item(world.orgs["other"], TLP.CLEAR, "Submitted with a link")
    page.body = [{"type": "paragraph", "value":
                  f'<p><a linktype="page" id="{world.items[TLP.RED].pk}">see</a></p>'}]
    page.save_revision(user=world.users["other_contributor"])
    state = page.get_workflow().start(page, world.users["other_contributor"])
    task_state = state.current_task_state
    client.force_login(world.users["other_publisher"])
    response = client.post(reverse("wagtailadmin_pages:workflow_action",
                                   args=[page.pk, "approve", task_state.pk]), {"comment": ""})
    assert response.status_code in (302, 403)
    page.refresh_from_db()
    assert f'id="{world.items[TLP.RED].pk}"' not in str(page.body)
    state.refresh_from_db()
    task_state.refresh_from_db()
    assert state.status == task_state.status == "in_progress"  # still awaiting a decision


ALTERNATIVE_SIGN_IN_PATHS = ["/_util/login/", "/admin/login/", "/django-admin/login/"]


@pytest.mark.parametrize("role", [r for r in ROLE_NAMES if r != "anonymous"])
@pytest.mark.parametrize("label", LABELS, ids=lambda label: label.value)
class TestSecurityPaths:
    """Ways around the front door: none of them shows anything the role may not see."""

    def test_alternative_sign_in_paths_grant_nothing(self, client, world, role, label):
        from tests.world import PASSWORD

        email = world.users[role].email
        for path in ALTERNATIVE_SIGN_IN_PATHS:
            client.post(path, {"username": email, "password": PASSWORD})
            response = client.get(world.items[label].url)
            # Still anonymous: only what anyone may see, and a redirect to sign in otherwise.
            assert "_auth_user_id" not in client.session
            assert response.status_code == (200 if "anonymous" in EXPECTED[label] else 302)
            assert (title_for(label) in response.content.decode()) == (
                "anonymous" in EXPECTED[label])

    def test_tokens_die_with_a_password_change(self, client, world, role, label):
        user = world.users[role]
        _token, key = ApiToken.issue(user, "matrix")
        user.set_password("a-changed-passphrase-9")
        user.save()
        response = client.get(reverse("search-api"), {"q": "matrix"},
                              headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 401
        assert title_for(label) not in response.content.decode()

    def test_rate_limited_answers_show_nothing(self, client_for, world, role, label, settings,
                                              rate_limit_clock):
        settings.PORTAL_RATE_LIMITS = {scope: "1/24h" for scope in settings.PORTAL_RATE_LIMITS}
        client = client_for(role)
        for name, params in (("search", {"q": "matrix marker"}), ("search-api", {"q": "matrix"}),
                             ("search-autocomplete", {"q": "matr"})):
            first = client.get(reverse(name), params)
            assert (title_for(label) in first.content.decode()) == (role in EXPECTED[label])
            limited = client.get(reverse(name), params)
            assert limited.status_code == 429
            assert title_for(label) not in limited.content.decode()
