"""A confidential reporting world on top of the access-test world: an internal channel at the
source organisation with two handlers (one of them excluded by the reporter), a handler of
another organisation's channel, an organisation admin who is not a handler, a superuser, and
one report sent through the form with a marker in every field and file."""

import io
import re
from dataclasses import dataclass, field

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from portal.core.organisations.models import Capability, Membership, Role
from portal.features.reporting import crypto, keys
from portal.features.reporting.models import Channel, ChannelKind, Report
from tests.world import make_user

PASSPHRASE = "correct horse battery staple"

MARKERS = {
    "what": "zqxwhatmarker",
    "when": "zqxwhenmarker",
    "contact": "zqxcontactmarker",
    "file_name": "zqxfilenamemarker",
    "file_body": "zqxfilebodymarker",
    "image_meta": "zqximagemetamarker",
    "image_name": "zqximagenamemarker",
    "reply": "zqxreplymarker",
    "note": "zqxnotemarker",
    "reporter_message": "zqxreportermessagemarker",
}


def without_csrf(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def with_mfa(user):
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    return user


def make_handler(email, organisation, role=Role.MEMBER):
    user = with_mfa(make_user(email, org=organisation, role=role))
    Membership.objects.get(user=user, organisation=organisation).capabilities.create(
        capability=Capability.CASE_HANDLER)
    keys.set_passphrase(user, PASSPHRASE)
    return user


def png_with_metadata(text):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def jpeg_with_exif(text):
    image = Image.new("RGB", (8, 8), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010E] = text  # ImageDescription
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@dataclass
class ReportingWorld:
    channel: Channel = None
    other_channel: Channel = None
    users: dict = field(default_factory=dict)
    recovery: str = ""
    report: Report = None
    code: str = ""

    def unlocked_client(self, role="handler"):
        client = Client()
        client.force_login(self.users[role])
        response = client.post(reverse("reporting:unlock", args=[self.channel_for(role).pk]),
                               {"passphrase": PASSPHRASE})
        assert response.status_code == 302
        return client

    def channel_for(self, role):
        return self.other_channel if role == "other_handler" else self.channel


def send_report(client, channel, *, exclude=(), contact=True, extra=None):
    """Send a report through the public form; returns the response (the receipt page)."""
    data = {
        "category": channel.category_list[0],
        "what_happened": f"It happened: {MARKERS['what']}",
        "when": MARKERS["when"],
        "identity": "contact" if contact else "anonymous",
        "contact": MARKERS["contact"] if contact else "",
        "exclude": [user.pk for user in exclude],
        "attachments": [
            SimpleUploadedFile(f"{MARKERS['file_name']}.txt",
                               f"body {MARKERS['file_body']}".encode()),
            SimpleUploadedFile(f"{MARKERS['image_name']}.png",
                               png_with_metadata(MARKERS["image_meta"])),
        ],
        **(extra or {}),
    }
    return client.post(reverse("reporting:report", args=[channel.organisation.slug,
                                                         channel.kind]), data)


def code_from(response):
    match = re.search(r'id="receipt-code"><strong>([\d ]+)</strong>', response.content.decode())
    assert match, "no receipt code on the page"
    return match.group(1)


def build(world) -> ReportingWorld:
    rw = ReportingWorld()
    source, other = world.orgs["source"], world.orgs["other"]
    rw.channel = Channel.objects.create(organisation=source, kind=ChannelKind.INTERNAL)
    rw.recovery = keys.turn_on(rw.channel)
    rw.other_channel = Channel.objects.create(organisation=other, kind=ChannelKind.INTERNAL)
    other_recovery = keys.turn_on(rw.other_channel)
    rw.users = {
        "handler": make_handler("handler@source.test", source),
        "excluded_handler": make_handler("excluded@source.test", source),
        "other_handler": make_handler("handler@other.test", other),
        "org_admin": with_mfa(make_user("admin@source.test", org=source, role=Role.ADMIN)),
        "superuser": with_mfa(make_user("root@world.test", superuser=True)),
        "moderator": with_mfa(world.users["moderator"]),
        "member": with_mfa(world.users["source_member"]),
    }
    for role, channel, recovery in [("handler", rw.channel, rw.recovery),
                                    ("excluded_handler", rw.channel, rw.recovery),
                                    ("other_handler", rw.other_channel, other_recovery)]:
        keys.grant(channel, crypto.unwrap_with_recovery_key(recovery, channel.recovery_wrap),
                   rw.users[role])
    response = send_report(Client(), rw.channel, exclude=[rw.users["excluded_handler"]])
    assert response.status_code == 200, response.content.decode()[:2000]
    rw.code = code_from(response)
    rw.report = Report.objects.get()
    # The handler answers and notes; the reporter writes back.
    handler = rw.unlocked_client("handler")
    case_url = reverse("reporting:case", args=[rw.report.pk])
    assert handler.post(case_url, {"action": "message", "text": MARKERS["reply"]}
                        ).status_code == 302
    assert handler.post(case_url, {"action": "note", "text": MARKERS["note"]}
                        ).status_code == 302
    reporter = Client()
    response = reporter.post(reverse("reporting:follow-up"),
                             {"code": rw.code, "text": MARKERS["reporter_message"]})
    assert response.status_code == 200
    return rw
