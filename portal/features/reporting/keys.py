"""Channel keys: turning a channel on, handlers' passphrases, unlocking, granting.

An unlocked channel key lives only for the handler's session, split in two shares: one in the
session store on the server, the other in a Secure, HttpOnly, SameSite=Strict cookie. Neither
alone is the key, so a copy of the session store or a stolen cookie reveals nothing.
"""

import base64

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.core.audit import recording as audit
from portal.core.audit.models import Kind
from portal.features.reporting import crypto
from portal.features.reporting.models import (
    Action,
    CaseEvent,
    Channel,
    HandlerIdentity,
    HandlerKey,
)

SESSION_KEY = "reporting_shares"
COOKIE_PREFIX = "reporting_key_"
COOKIE_PATH = "/reporting/"


def turn_on(channel: Channel) -> str:
    """Give ``channel`` its key pair and return the recovery key (shown once, never stored)."""
    private, public = crypto.new_key_pair()
    recovery = crypto.new_recovery_key()
    channel.public_key = public
    channel.recovery_wrap = crypto.wrap_with_recovery_key(recovery, private)
    channel.active = True
    channel.turned_on_at = timezone.now()
    channel.save()
    return recovery


def set_passphrase(user, passphrase: str) -> HandlerIdentity:
    private, public = crypto.new_key_pair()
    salt, wrapped = crypto.wrap_with_passphrase(passphrase, private)
    identity, _ = HandlerIdentity.objects.update_or_create(
        user=user, defaults={"public_key": public, "salt": salt, "wrapped_private_key": wrapped})
    # A new key pair cannot open keys sealed to the old one.
    HandlerKey.objects.filter(user=user).delete()
    return identity


def grant(channel: Channel, channel_private_key: bytes, user, granted_by=None) -> HandlerKey:
    """Seal the channel key to ``user``'s public key. Needs the key itself, so only an
    unlocked handler (or the holder of the recovery key) can give it."""
    if crypto.public_of(channel_private_key) != bytes(channel.public_key):
        raise crypto.Locked("This is not the channel's key.")
    identity = HandlerIdentity.objects.get(user=user)
    with transaction.atomic():
        key, _ = HandlerKey.objects.update_or_create(
            channel=channel, user=user, defaults={
                "sealed_channel_key": crypto.seal(bytes(identity.public_key),
                                                  channel_private_key),
                "granted_by": granted_by})
        CaseEvent.objects.create(channel=channel, actor=granted_by, action=Action.KEY_GRANT,
                                 detail=f"to user {user.pk}")
        audit.record(Kind.REPORTING_KEY_GRANTED, actor=granted_by,
                     organisation=channel.organisation, target=user.email,
                     channel=channel.pk)
    return key


def pending_grants(channel: Channel):
    """Handlers who have set a passphrase but hold no key for ``channel`` yet."""
    return channel.handler_users().filter(reporting_identity__isnull=False).exclude(
        reporting_keys__channel=channel)


def unlock(request, response, channel: Channel, passphrase: str) -> bytes:
    """Open the handler's key for ``channel`` with their passphrase and keep it split between
    the session and a cookie set on ``response``."""
    key = HandlerKey.objects.select_related("user__reporting_identity").filter(
        channel=channel, user=request.user).first()
    if key is None:
        raise crypto.Locked("No key has been granted to you for this channel yet.")
    identity = key.user.reporting_identity
    private = crypto.unwrap_with_passphrase(passphrase, identity.salt,
                                            identity.wrapped_private_key)
    channel_key = crypto.unseal(private, key.sealed_channel_key)
    remember(request, response, channel, channel_key)
    CaseEvent.objects.create(channel=channel, actor=request.user, action=Action.UNLOCK)
    audit.record(Kind.REPORTING_UNLOCKED, request=request, organisation=channel.organisation,
                 target=f"channel {channel.pk}")
    return channel_key


def remember(request, response, channel, channel_key: bytes):
    cookie_share, session_share = crypto.split(channel_key)
    shares = dict(request.session.get(SESSION_KEY, {}))
    shares[str(channel.pk)] = base64.b64encode(session_share).decode()
    request.session[SESSION_KEY] = shares
    response.set_cookie(
        f"{COOKIE_PREFIX}{channel.pk}", base64.urlsafe_b64encode(cookie_share).decode(),
        path=COOKIE_PATH, secure=settings.SESSION_COOKIE_SECURE, httponly=True,
        samesite="Strict")


def unlocked_key(request, channel: Channel) -> bytes | None:
    """The channel's private key if this handler unlocked it in this session, else None."""
    session_share = request.session.get(SESSION_KEY, {}).get(str(channel.pk))
    cookie_share = request.COOKIES.get(f"{COOKIE_PREFIX}{channel.pk}")
    if not session_share or not cookie_share:
        return None
    try:
        key = crypto.join(base64.urlsafe_b64decode(cookie_share),
                          base64.b64decode(session_share))
        if crypto.public_of(key) != bytes(channel.public_key):
            return None
    except (ValueError, crypto.Locked):
        return None
    # The key alone is not enough: the handler must still hold a grant for the channel.
    if not HandlerKey.objects.filter(channel=channel, user=request.user).exists():
        return None
    return key


def lock(request, response, channel):
    shares = dict(request.session.get(SESSION_KEY, {}))
    shares.pop(str(channel.pk), None)
    request.session[SESSION_KEY] = shares
    response.delete_cookie(f"{COOKIE_PREFIX}{channel.pk}", path=COOKIE_PATH)
