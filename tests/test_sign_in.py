"""One guarded way in: allauth's sign-in, with email verification, two-factor and rate limits.
No other view accepts a password, and privileged roles must use two-factor authentication."""

import io
import re
import time

import pytest
from allauth.mfa.models import Authenticator
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.core.security import sessions
from tests.world import PASSWORD, make_user, totp_code

pytestmark = pytest.mark.django_db

ALTERNATIVE_SIGN_IN_PATHS = ["/_util/login/", "/admin/login/", "/django-admin/login/"]
SAMPLES = {"int": "1", "slug": "x", "str": "x", "uuid": "00000000-0000-0000-0000-000000000000",
           "path": "x"}


def _walk(patterns, prefix=""):
    """Every URL pattern under the resolver, as (route, pattern) pairs."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _concrete(route):
    """A path that the route matches, with sample values for its parameters."""
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), route)
    route = route.replace("^", "").replace("$", "").replace("\\", "")
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = re.sub(r"\([^()]*\)[*?]?", "", route)
    route = re.sub(r"\(\?:[^)]*\)[*?]?", "", route)
    if "(" in route or "[" in route:
        return None
    return "/" + route.lstrip("/")


def _signed_in(client):
    return "_auth_user_id" in client.session


def test_no_view_outside_allauth_accepts_a_password(client, world):
    """POST a valid email and password to every view; only allauth's sign-in may sign in."""
    member = world.users["source_member"]  # verified, no second factor
    credentials = {"username": member.email, "email": member.email, "login": member.email,
                   "password": PASSWORD}
    client.raise_request_exception = False
    tried = set()
    for route, pattern in _walk(get_resolver().url_patterns):
        path = _concrete(route)
        if path is None or path in tried:
            continue
        tried.add(path)
        client.logout()
        client.post(path, credentials)
        is_allauth = pattern.callback.__module__.startswith("allauth.")
        assert is_allauth or not _signed_in(client), f"{path} signed in with a password"
    assert set(ALTERNATIVE_SIGN_IN_PATHS) <= tried
    assert len(tried) > 300  # Wagtail's admin alone has hundreds of routes


@pytest.mark.parametrize("path", ALTERNATIVE_SIGN_IN_PATHS)
def test_alternative_sign_in_paths_lead_to_allauth(client, world, path):
    moderator = world.users["moderator"]
    response = client.post(path, {"username": moderator.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not _signed_in(client)
    response = client.get(path, {"next": "/admin/organisations/"})
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2Forganisations%2F"
    assert client.get("/admin/organisations/").status_code == 302


def test_sign_in_asks_an_mfa_user_for_the_second_factor(client, world):
    moderator = world.users["moderator"]
    response = client.post(reverse("account_login"),
                           {"login": moderator.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not _signed_in(client)
    assert client.get("/admin/organisations/").status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert not _signed_in(client)
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert _signed_in(client)
    assert client.get("/admin/organisations/").status_code == 200


def test_unverified_users_cannot_sign_in_anywhere(client, world):
    user = world.users["unverified"]
    for path in [reverse("account_login"), *ALTERNATIVE_SIGN_IN_PATHS]:
        client.post(path, {"login": user.email, "username": user.email, "password": PASSWORD})
        assert not _signed_in(client), path


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,5/5m/key"})
def test_wrong_passwords_are_throttled_on_every_path(client, world):
    email = world.users["source_member"].email
    for attempt in range(30):
        path = ALTERNATIVE_SIGN_IN_PATHS[attempt % 3]
        # The other paths lead to allauth's form, where the attempt counts.
        response = client.post(path, {"username": email, "password": "wrong"}, follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
        client.post(reverse("account_login"), {"login": email, "password": "wrong"})
    # Locked out: even the right password is refused now.
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 429
    assert not _signed_in(client)


PRIVILEGED = {
    "site admin": {"is_superuser": True, "is_staff": True},
    "organisation admin": {"role": "admin"},
    "publisher": {"role": "publisher"},
    "contributor": {"role": "contributor"},
}


@pytest.mark.parametrize("kind", PRIVILEGED)
def test_privileged_roles_without_mfa_are_sent_to_set_it_up(client, world, kind):
    spec = PRIVILEGED[kind]
    user = make_user(f"{kind.replace(' ', '-')}@mfa.test", org=world.orgs["source"]
                     if "role" in spec else None, role=spec.get("role"))
    Authenticator.objects.filter(user=user).delete()
    if "is_superuser" in spec:
        type(user).objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
    client.force_login(user)
    for path in ["/", "/admin/", "/admin/pages/", reverse("search"), reverse("api-tokens")]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("mfa_index"), path
    response = client.get(reverse("mfa_index"))
    assert response.status_code == 200
    assert "Your role needs two-factor" in response.content.decode()
    # Setting it up (allauth asks for a code from the new authenticator) lets them in.
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(
        reverse("account_reauthenticate"))  # the password first
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time as counters

    code = format_hotp_value(hotp_value(secret, next(iter(counters()))))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302, response.content.decode()[:500]
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert client.get("/").status_code == 200


def test_moderators_need_mfa_and_members_do_not(client, world):
    moderator = world.users["moderator"]
    Authenticator.objects.filter(user=moderator).delete()
    client.force_login(moderator)
    assert client.get("/admin/organisations/")["Location"] == reverse("mfa_index")
    client.force_login(world.users["source_member"])
    assert client.get("/").status_code == 200
    assert client.get(reverse("api-tokens")).status_code == 200


@pytest.mark.parametrize("what, age", [("idle", {"last_seen": 31 * 60}),
                                       ("long", {"started": 13 * 3600, "last_seen": 60})])
def test_privileged_sessions_end_after_idling_or_twelve_hours(client, world, what, age):
    client.force_login(world.users["publisher"])
    assert client.get("/admin/").status_code == 200
    session = client.session
    now = int(time.time())
    session[sessions.STARTED] = now - age.get("started", 0)
    session[sessions.LAST_SEEN] = now - age["last_seen"]
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not _signed_in(client)


def test_privileged_sessions_stay_while_active_and_others_keep_theirs(client, world):
    client.force_login(world.users["publisher"])
    client.get("/")
    assert client.session.get_expiry_age() == 30 * 60  # the cookie ends with the idle time
    session = client.session
    session[sessions.LAST_SEEN] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/admin/").status_code == 200
    client.force_login(world.users["source_member"])
    session = client.session
    session[sessions.LAST_SEEN] = int(time.time()) - 10 * 3600  # members have no idle limit
    session.save()
    assert client.get("/").status_code == 200 and _signed_in(client)
    assert client.session.get_expiry_age() == 14 * 24 * 3600


def test_demo_accounts_that_need_mfa_have_the_published_authenticator(world, settings):
    from django.core.management import call_command

    from cms.demo import loader

    demo = loader.DemoLoader()
    demo.organisations()
    demo.users()
    _password, people = loader.people()
    needs = {"admin@example.org", "moderator@example.org"} | {
        person["email"] for person in people
        if person.get("role") in ("admin", "publisher", "contributor")}
    enrolled = set(Authenticator.objects.filter(
        user__email__in=[person["email"] for person in people], type="totp",
    ).values_list("user__email", flat=True))
    assert enrolled == needs
    settings.DEBUG = True
    totp_code()  # waits if the current period is about to end
    out = io.StringIO()
    call_command("demo_totp_code", stdout=out)
    demo = Authenticator.objects.get(user__email="moderator@example.org", type="totp")
    from allauth.mfa.totp.internal.auth import TOTP

    assert TOTP(demo).validate_code(out.getvalue().strip())
