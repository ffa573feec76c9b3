"""Demo channels, handlers and reports, added when the demo content loads (idempotently).

Demo handlers get a passphrase, an authenticator and the channel key only in DEBUG, with the
values documented in the README for local use; elsewhere they set their own passphrase and
the channel's recovery key (printed once by the loader) gives them the key.
"""

import tomllib
from pathlib import Path

from django.conf import settings

from cms.demo.loader import totp_secret
from portal.core.organisations.models import Capability, Membership, Organisation
from portal.features.reporting import keys, submission
from portal.features.reporting.crypto import unwrap_with_recovery_key
from portal.features.reporting.models import Channel

DATA = Path(__file__).with_name("demo.toml")
DEMO_PASSPHRASE = "demo-handler-passphrase"  # noqa: S105 - DEBUG-only demo data


def load(sender=None, stdout=None, **kwargs):
    data = tomllib.loads(DATA.read_text())
    added = 0
    for spec in data["channel"]:
        organisation = Organisation.objects.filter(name=spec["organisation"]).first()
        if organisation is None:
            continue
        channel, _ = Channel.objects.get_or_create(organisation=organisation, kind=spec["kind"])
        handlers = []
        for email in spec["handlers"]:
            membership = Membership.objects.filter(
                user__email=email, organisation=organisation).select_related("user").first()
            if membership is not None:
                membership.capabilities.get_or_create(capability=Capability.CASE_HANDLER)
                handlers.append(membership.user)
        if channel.public_key is None:
            recovery = keys.turn_on(channel)
            if settings.DEBUG:
                _give_demo_keys(channel, handlers, unwrap_with_recovery_key(
                    recovery, channel.recovery_wrap))
            elif stdout is not None:
                stdout.write(f"Recovery key of {channel}: {recovery}")
        if not channel.reports.exists():
            for report in spec.get("report", []):
                submission.submit(channel, {
                    "category": report["category"], "what_happened": report["what"],
                    "when": report.get("when", ""), "anonymous": "contact" not in report,
                    "contact": report.get("contact", "")}, [])
                added += 1
    if stdout is not None:
        stdout.write(f"Confidential reporting: {added} demo reports added.")


def _give_demo_keys(channel, handlers, channel_key):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    for user in handlers:
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, totp_secret())  # the demo accounts' published secret
        if not hasattr(user, "reporting_identity"):
            keys.set_passphrase(user, DEMO_PASSPHRASE)
        keys.grant(channel, channel_key, user)
