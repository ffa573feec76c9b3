"""Every response carries a Content-Security-Policy and a Permissions-Policy: strict with
nonces on the portal's pages, with inline allowed only in the editor."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _csp(response):
    return dict(part.strip().split(" ", 1) if " " in part.strip() else (part.strip(), "")
                for part in response["Content-Security-Policy"].split(";"))


@pytest.mark.parametrize("path", ["/", "/search/?q=x", "/accounts/login/", "/no/such/page/",
                                  "/digests/unsubscribe/%00/", "/api/search/?q=x"])
def test_portal_responses_have_a_strict_policy(client, world, path):
    response = client.get(path)
    csp = _csp(response)
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'" and csp["base-uri"] == "'self'"
    for directive in ("script-src", "style-src"):
        assert "unsafe-inline" not in csp[directive] and "unsafe-eval" not in csp[directive]
        assert re.fullmatch(r"'self' 'nonce-[\w-]{20,}'", csp[directive])
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_each_response_gets_a_fresh_nonce(client, world):
    nonces = {_csp(client.get("/"))["script-src"] for _ in range(3)}
    assert len(nonces) == 3


def test_the_editor_has_its_own_policy(client, world):
    client.force_login(world.users["publisher"])
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["script-src"] == "'self' 'unsafe-inline'"
    assert csp["frame-ancestors"] == "'self'"  # its own page previews
    assert csp["object-src"] == "'none'" and csp["default-src"] == "'self'"
