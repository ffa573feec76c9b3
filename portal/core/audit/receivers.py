"""Events that other parts announce by signal: sign-ins, passwords, email addresses and
two-factor methods (Django's and allauth's signals)."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from portal.core.audit.models import Kind
from portal.core.audit.recording import record


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    record(Kind.SIGN_IN, request=request, actor=user)


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django passes the credentials with the password already masked; only the login is kept.
    login = credentials.get("email") or credentials.get("username") or ""
    record(Kind.SIGN_IN_FAILED, request=request, login=str(login)[:254])


@receiver(account_signals.password_changed)
@receiver(account_signals.password_set)
@receiver(account_signals.password_reset)
def password_changed(sender, request, user, **kwargs):
    record(Kind.PASSWORD_CHANGED, request=request, actor=user, target=user.email)


@receiver(account_signals.email_changed)
def email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    record(Kind.EMAIL_CHANGED, request=request, actor=user, target=user.email,
           previous=getattr(from_email_address, "email", ""),
           new=getattr(to_email_address, "email", ""))


@receiver(account_signals.email_added)
def email_added(sender, request, user, email_address, **kwargs):
    record(Kind.EMAIL_CHANGED, request=request, actor=user, target=user.email,
           added=email_address.email)


@receiver(account_signals.email_removed)
def email_removed(sender, request, user, email_address, **kwargs):
    record(Kind.EMAIL_CHANGED, request=request, actor=user, target=user.email,
           removed=email_address.email)


@receiver(mfa_signals.authenticator_added)
def mfa_added(sender, request, user, authenticator, **kwargs):
    record(Kind.MFA_ADDED, request=request, actor=user, target=user.email,
           method=authenticator.type)


@receiver(mfa_signals.authenticator_removed)
def mfa_removed(sender, request, user, authenticator, **kwargs):
    record(Kind.MFA_REMOVED, request=request, actor=user, target=user.email,
           method=authenticator.type)


@receiver(mfa_signals.authenticator_reset)
def recovery_codes_reset(sender, request, user, authenticator, **kwargs):
    record(Kind.RECOVERY_CODES_RESET, request=request, actor=user, target=user.email)
