from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError


def portal_site() -> SimpleNamespace:
    """The site as allauth's emails name it. Without django.contrib.sites allauth would use the
    request's host ("Hello from 127.0.0.1:8103!"); the portal's name and address are settings."""
    return SimpleNamespace(name=settings.WAGTAIL_SITE_NAME,
                           domain=urlsplit(settings.PORTAL_BASE_URL).netloc,
                           url=settings.PORTAL_BASE_URL.rstrip("/"))


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up and sign-in by email, stored lower-case so one person is one account."""

    def clean_email(self, email):
        return super().clean_email(email).strip().lower()

    def send_mail(self, template_prefix, email, context):
        """Every allauth email names the portal, not the host it was reached at."""
        super().send_mail(template_prefix, email, {**context, "current_site": portal_site()})

    def pre_authenticate(self, request, **credentials):
        """Too many failed sign-ins lock the login out for a while; that goes on record."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            from portal.core.audit.models import Kind
            from portal.core.audit.recording import record

            login = credentials.get("email") or credentials.get("username") or ""
            record(Kind.LOCKED_OUT, request=request, login=str(login)[:254])
            raise
