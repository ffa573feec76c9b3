"""Bad input gets a clear 4xx page, never a 500: slugs, ids, page numbers, filters, forms."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cms.models import LibraryPage, TopicIndexPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def library_url(world):
    return LibraryPage.objects.get(item_type="guidance").url


@pytest.mark.parametrize("page, message", [
    ("abc", "There is no page abc"),
    ("0", "There is no page 0"),
    ("-1", "There is no page -1"),
    ("99999", "There is no page 99999"),
    ("1e9", "There is no page 1e9"),
])
def test_bad_page_numbers(client, library_url, page, message):
    response = client.get(library_url, {"page": page})
    assert response.status_code == 404
    assert message in response.content.decode()


@pytest.mark.parametrize("param", ["topic", "audience"])
def test_unknown_filters(client, library_url, param):
    response = client.get(library_url, {param: "<script>alert(1)</script>"})
    assert response.status_code == 404
    body = response.content.decode()
    assert f"There is no {param} called" in body
    assert "<script>alert(1)</script>" not in body  # escaped


def test_unknown_topic_and_page_slugs(client, world):
    topics = TopicIndexPage.objects.get()
    assert client.get(f"{topics.url}no-such-topic/").status_code == 404
    assert client.get("/no/such/page/").status_code == 404
    assert client.get("/organisations/no-such-org/").status_code == 404


def test_tampered_ids_in_member_management(client, world):
    from tests.world import make_user

    org = world.orgs["source"]
    admin = make_user("admin@tamper.test", org=org, role="admin")
    client.force_login(admin)
    other_membership = world.users["other_member"].memberships.get()
    # A membership of another organisation, a missing one and a missing join request.
    assert client.post(reverse("change-role", args=[org.slug, other_membership.pk]),
                       {"role": "admin"}).status_code == 404
    assert client.post(reverse("change-role", args=[org.slug, 999999]),
                       {"role": "admin"}).status_code == 404
    assert client.post(reverse("decide-join-request", args=[org.slug, 999999]),
                       {"decision": "approve"}).status_code == 404
    assert client.post(reverse("manage-members", args=["no-such-org"])).status_code == 404
    other_membership.refresh_from_db()
    assert other_membership.role == "member"


def test_malformed_forms(client, world):
    client.force_login(world.users["source_member"])
    response = client.post(reverse("request-organisation"),
                           {"name": "x" * 5000, "organisation_type": "martian",
                            "website": "not a url"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select a valid choice" in body and "Enter a valid URL" in body
    response = client.post(reverse("join-organisation", args=[world.orgs["other"].slug]),
                           {"message": "m" * 5000})
    assert response.status_code == 400
    assert "Ensure this value has at most 1000 characters" in response.content.decode()


def test_wrong_methods(client, world):
    client.force_login(world.users["source_member"])
    assert client.get(reverse("join-organisation", args=[world.orgs["other"].slug])
                      ).status_code == 405


free_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300
) | st.sampled_from(['"', "'", "%", "\\", "\x00", "' OR 1=1 --", "a" * 5000, "ᚠᛇᚻ 漢字 عربى"])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(topic=free_text, audience=free_text, page=free_text)
def test_fuzzed_listing_parameters_never_500(client, library_url, topic, audience, page):
    response = client.get(library_url, {"topic": topic, "audience": audience, "page": page})
    assert response.status_code in (200, 400, 404)
