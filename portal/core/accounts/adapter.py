from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up and sign-in by email, stored lower-case so one person is one account."""

    def clean_email(self, email):
        return super().clean_email(email).strip().lower()

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
