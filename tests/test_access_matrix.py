"""Every TLP label x every role x every channel: allowed and denied, both ways.

The expected audience of each label is written out in tests.world.EXPECTED, independently of
portal.core.access, so a mistake in the policy shows up here as a leak or a lock-out.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cms.models import ItemPage, LibraryPage, TopicIndexPage
from portal.core.accounts.models import ApiToken
from portal.core.tlp import TLP
from portal.features.digests import runs
from portal.features.digests.models import Delivery, Subscription
from portal.features.digests.sending import deliver_chunk
from tests.world import EXPECTED, ROLES, title_for

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

    def test_rate_limited_answers_show_nothing(self, client_for, world, role, label, settings):
        # A day-long window, so the two requests cannot fall into different windows.
        settings.PORTAL_RATE_LIMITS = {scope: "1/24h" for scope in settings.PORTAL_RATE_LIMITS}
        client = client_for(role)
        for name, params in (("search", {"q": "matrix marker"}), ("search-api", {"q": "matrix"}),
                             ("search-autocomplete", {"q": "matr"})):
            first = client.get(reverse(name), params)
            assert (title_for(label) in first.content.decode()) == (role in EXPECTED[label])
            limited = client.get(reverse(name), params)
            assert limited.status_code == 429
            assert title_for(label) not in limited.content.decode()
