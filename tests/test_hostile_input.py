"""Hostile input gets a clear 4xx, never a 500: NUL bytes, colliding organisation names,
malformed editor forms, chooser ids and admin API requests."""

import json
from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import GuidancePage, OrganisationPage
from portal.core.organisations.models import Organisation
from tests.world import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def raising_client(client):
    """Server errors surface as responses (as for a real visitor), not as test exceptions."""
    client.raise_request_exception = False
    return client


def test_nul_byte_in_the_unsubscribe_key(raising_client):
    for method in (raising_client.get, raising_client.post):
        response = method("/digests/unsubscribe/%00/")
        assert response.status_code == 400
        assert "null character" in response.content.decode()


def test_nul_byte_in_a_query_and_a_form(raising_client, world):
    raising_client.force_login(world.users["source_member"])
    assert raising_client.get(reverse("search"), {"q": "a\x00b"}).status_code == 400
    response = raising_client.post(reverse("request-organisation"),
                                   {"name": "Nul\x00Org", "organisation_type": "academia"})
    assert response.status_code == 400
    assert not Organisation.objects.filter(name__startswith="Nul").exists()


def _register(client, name):
    return client.post(reverse("request-organisation"),
                       {"name": name, "organisation_type": "academia"})


def test_colliding_organisation_names_get_a_unique_slug(raising_client, world):
    raising_client.force_login(world.users["source_member"])
    existing = world.orgs["source"]  # "Source Org"
    response = _register(raising_client, "SOURCE ORG")
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    assert Organisation.objects.filter(name__iexact=existing.name).count() == 1
    # A different name that slugifies the same way gets a slug of its own.
    assert _register(raising_client, "Source-Org!").status_code == 302
    created = Organisation.objects.get(name="Source-Org!")
    assert created.slug == f"{existing.slug}-2"


def test_names_that_slugify_to_nothing_get_a_slug(raising_client, world):
    raising_client.force_login(world.users["source_member"])
    for name in ("Ассоциация кибербезопасности", "協会 サイバー", "!!!"):
        assert _register(raising_client, name).status_code == 302, name
        assert Organisation.objects.get(name=name).slug
    slugs = list(Organisation.objects.values_list("slug", flat=True))
    assert "" not in slugs and len(slugs) == len(set(slugs))


@pytest.fixture
def editor(raising_client, world):
    raising_client.force_login(world.users["contributor"])
    return raising_client


@pytest.fixture
def add_url(world):
    parent = OrganisationPage.objects.get(organisation=world.orgs["source"])
    return reverse("wagtailadmin_pages:add", args=["cms", "guidancepage", parent.pk])


def _guidance_form(title="Hostile guidance"):
    return nested_form_data({
        "title": title, "slug": "hostile-guidance", "summary": "A summary.",
        "body": streamfield([("paragraph", rich_text("<p>Text.</p>"))]),
        "tlp": "green", "attachments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0,
                                        "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000},
        "clause_links": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0,
                         "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000},
    })


def _deep(depth):
    return "[" * depth + "]" * depth


MALFORMED_EDITOR_FIELDS = {
    "value not json": {"body-0-value": "{not json"},
    "value a list": {"body-0-value": "[]"},
    "value a number": {"body-0-value": "42"},
    "missing entity": {"body-0-value": json.dumps({
        "blocks": [{"key": "a", "type": "unstyled", "text": "link", "depth": 0,
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": 0, "length": 4, "key": 7}]}],
        "entityMap": {}})},
    "deeply nested": {"body-0-value": _deep(100_000)},
    "count not a number": {"body-count": "abc"},
    "huge count": {"body-count": "99999999"},
    "negative count": {"body-count": "-5"},
    "attachment id not a number": {"attachments-TOTAL_FORMS": "1",
                                   "attachments-INITIAL_FORMS": "1",
                                   "attachments-0-id": "abc", "attachments-0-document": "1"},
    "formset count not a number": {"attachments-TOTAL_FORMS": "lots"},
}


@pytest.mark.parametrize("fields", MALFORMED_EDITOR_FIELDS.values(),
                         ids=MALFORMED_EDITOR_FIELDS.keys())
def test_malformed_streamfield_data_is_a_4xx(editor, add_url, world, fields):
    data = {**_guidance_form(), **fields}
    response = editor.post(add_url, data)
    assert response.status_code in (200, 400), response.status_code
    assert not OrganisationPage.objects.filter(title="Hostile guidance").exists()
    # Editing an existing item with the same data fails the same way.
    item = world.items[next(iter(world.items))]
    response = editor.post(reverse("wagtailadmin_pages:edit", args=[item.pk]), data)
    assert response.status_code in (200, 400, 403), response.status_code


def test_text_that_looks_like_json_still_saves(editor, add_url):
    """The guard reads form shapes, not text: a heading may start with a bracket."""
    data = {**_guidance_form("Bracketed guidance"), "body-count": "2",
            "body-1-type": "heading", "body-1-value": "[Draft] {not json} [[[",
            "body-1-deleted": "", "body-1-order": "1", "body-1-id": ""}
    response = editor.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    saved = GuidancePage.objects.get(title="Bracketed guidance").get_latest_revision_as_object()
    assert saved.body[1].value == "[Draft] {not json} [[["


@pytest.mark.parametrize("url", [
    "/admin/documents/chooser/chosen/abc/",
    "/admin/images/chooser/abc/select_format/",
    "/admin/images/chooser/chosen/abc/",
    "/admin/snippets/choose/cms/topic/chosen/abc/",
])
def test_chooser_ids_that_are_not_numbers(editor, url):
    response = editor.get(url)
    assert response.status_code in (400, 404), response.status_code


def test_external_link_chooser_with_no_fields(editor):
    response = editor.post("/admin/choose-external-link/", {})
    assert response.status_code in (200, 400), response.status_code


def test_admin_api_search_with_a_nul_byte(editor):
    assert editor.get("/admin/api/main/pages/", {"search": "a\x00b"}).status_code == 400


def test_admin_api_move_with_a_deeply_nested_body(editor, world):
    item = world.items[next(iter(world.items))]
    response = editor.post(f"/admin/api/main/pages/{item.pk}/action/move/",
                           data=_deep(100_000), content_type="application/json")
    assert response.status_code in (400, 403, 404), response.status_code


free_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300) | \
    st.sampled_from(["\x00", "{", "[" * 5000, "-1", "99999999", "ᚠᛇᚻ 漢字", "' OR 1=1 --"])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=free_text)
def test_fuzzed_unsubscribe_keys(raising_client, key):
    response = raising_client.post(f"/digests/unsubscribe/{quote(key, safe='')}/")
    assert response.status_code in (400, 404)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=free_text, website=free_text, description=free_text)
def test_fuzzed_organisation_registration(raising_client, world, name, website, description):
    raising_client.force_login(world.users["source_member"])
    response = raising_client.post(reverse("request-organisation"), {
        "name": name, "organisation_type": "academia", "website": website,
        "description": description})
    assert response.status_code in (200, 302, 400)
    assert not Organisation.objects.filter(slug="").exists()


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=free_text)
def test_fuzzed_membership_forms(raising_client, world, message):
    admin = world.users.get("fuzz_admin") or make_user(
        "fuzz.admin@world.test", org=world.orgs["source"], role="admin")
    world.users["fuzz_admin"] = admin
    raising_client.force_login(admin)
    slug = world.orgs["source"].slug
    for response in (
        raising_client.post(reverse("manage-members", args=[slug]),
                            {"invite-email": message, "invite-role": message}),
        raising_client.post(reverse("join-organisation", args=[world.orgs["other"].slug]),
                            {"message": message}),
    ):
        assert response.status_code in (200, 302, 400, 404)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=free_text, value=free_text, count=free_text)
def test_fuzzed_editor_form(editor, add_url, title, value, count):
    data = {**_guidance_form(title), "body-0-value": value, "body-count": count}
    assert editor.post(add_url, data).status_code in (200, 302, 400)


def _png():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("url", ["/admin/images/add/", "/admin/images/multiple/add/"])
def test_truncated_image_uploads_are_a_4xx(raising_client, world, url):
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.images import get_image_model

    from tests.world import enrol_totp

    admin = get_user_model().objects.create_superuser("root@hostile.test", "x-password-123")
    enrol_totp(admin)
    raising_client.force_login(admin)
    field = "files[]" if "multiple" in url else "file"
    # The header says 400x300; the pixels are cut off.
    upload = SimpleUploadedFile("cut.png", _png()[:200], content_type="image/png")
    response = raising_client.post(url, {"title": "Cut", field: upload, "collection": 1},
                                   headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code in (200, 400), response.status_code
    assert not get_image_model().objects.filter(title__startswith="cut").exists()
    # A whole image still uploads.
    upload = SimpleUploadedFile("whole.png", _png(), content_type="image/png")
    response = raising_client.post(url, {"title": "whole", field: upload, "collection": 1},
                                   headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code in (200, 302)
    assert get_image_model().objects.filter(title__startswith="whole").exists()
