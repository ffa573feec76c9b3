"""Two-factor authentication is required of everyone who can change what others see: site
admins, portal moderators, organisation admins, publishers, and anyone who may enter the
editor. Until such a person has an authenticator (TOTP or a passkey), every page sends them
to set one up.

Signing in goes only through allauth (the other sign-in forms redirect there), and allauth
asks for the second factor of anyone who has one, so a session of a person with an
authenticator has passed it.
"""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

from portal.core.accounts.moderators import MODERATORS_GROUP
from portal.core.organisations.models import Membership, Role

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
PRIVILEGED_ROLES = (Role.ADMIN, Role.PUBLISHER)


def is_privileged(user) -> bool:
    """Does this person's role require two-factor authentication?"""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or user.has_perm("wagtailadmin.access_admin")
        or user.groups.filter(name=MODERATORS_GROUP).exists()
        or Membership.objects.filter(user=user, role__in=PRIVILEGED_ROLES).exists()
    )


def request_is_privileged(request) -> bool:
    """is_privileged for the request's user, worked out once per request."""
    if not hasattr(request, "_portal_privileged"):
        request._portal_privileged = is_privileged(request.user)
    return request._portal_privileged


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # allauth's own views stay open: signing out, setting up MFA, re-authenticating.
        if view_func.__module__.startswith("allauth.") or not settings.PORTAL_MFA_REQUIRED:
            return None
        if request_is_privileged(request) and not has_second_factor(request.user):
            messages.warning(request, "Your role needs two-factor authentication. Set up an "
                             "authenticator app or a passkey to continue.")
            return redirect("mfa_index")
        return None
