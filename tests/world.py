"""A small, fixed world for access tests: three organisations, one person per role and one
item under each TLP label, each with an attached document."""

import time
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale, Page

from cms.demo.loader import DemoLoader
from cms.models import GuidancePage, OrganisationPage, Topic
from portal.core.organisations.models import Membership, Organisation, OrganisationStatus
from portal.core.organisations.provisioning import moderators_group
from portal.core.tlp import TLP

PASSWORD = "world-password-123"
# Editors, publishers, organisation admins and moderators must use two-factor authentication;
# the world's have a TOTP authenticator with this secret (see totp_code).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
MFA_ROLES = {"contributor", "publisher", "admin"}

# role -> (organisation key or None, membership role, verified)
ROLES = {
    "anonymous": None,
    "unverified": ("source", "member", False),
    "other_member": ("other", "member", True),
    "recipient_member": ("recipient", "member", True),
    "source_member": ("source", "member", True),
    "contributor": ("source", "contributor", True),
    "publisher": ("source", "publisher", True),
    "red_recipient": ("other", "member", True),
    "moderator": (None, None, True),
}

COMMUNITY = {"other_member", "recipient_member", "source_member", "contributor", "publisher",
             "red_recipient"}
SOURCE = {"source_member", "contributor", "publisher"}

# Who may see an item under each label: the rule, stated independently of portal.core.access.
EXPECTED = {
    TLP.CLEAR: set(ROLES),
    TLP.GREEN: COMMUNITY,
    TLP.AMBER: SOURCE | {"recipient_member"},
    TLP.AMBER_STRICT: SOURCE,
    TLP.RED: {"red_recipient"},
}


def title_for(label):
    return f"Matrix {label.value} marker"


@dataclass
class World:
    orgs: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    items: dict = field(default_factory=dict)
    documents: dict = field(default_factory=dict)
    topic: Topic | None = None


def make_user(email, *, verified=True, org=None, role=None):
    user = get_user_model().objects.create_user(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    if org is not None:
        Membership.objects.create(user=user, organisation=org, role=role)
    if role in MFA_ROLES:
        enrol_totp(user)
    return user


def enrol_totp(user):
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, TOTP_SECRET)


def totp_code(offset=0):
    """The current code for TOTP_SECRET (offset in periods, for a code not yet used)."""
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    # A code read just before its 30 seconds end may be stale on arrival: wait for the next.
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.1)
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(TOTP_SECRET, counter + offset))


def make_org(name, kind="industry", size_band="small"):
    return Organisation.objects.create(
        name=name, kind=kind, size_band=size_band, status=OrganisationStatus.APPROVED
    )


def make_item(org, label, title, *, cls=GuidancePage, topics=(), audiences=(), recipient_orgs=(),
              recipient_users=(), owner=None, document=None, **fields):
    parent = OrganisationPage.objects.get(organisation=org)
    if any(field.name == "body" for field in cls._meta.get_fields()):
        fields.setdefault("body", [{"type": "paragraph", "value": f"<p>Body of {title}.</p>"}])
    fields.setdefault("summary", f"Summary of {title}.")
    page = cls(title=title, tlp=label, owner=owner, **fields)
    parent.add_child(instance=page)
    page.topics.set(topics)
    page.audiences.set(audiences)
    page.recipient_organisations.set(recipient_orgs)
    page.recipient_users.set(recipient_users)
    if document is not None:
        page.attachments.create(document=document)
    page.save_revision().publish(skip_permission_checks=True)
    return page


def make_document(title):
    return get_document_model().objects.create(
        title=title, file=ContentFile(f"{title}\n".encode(), name=f"{title}.txt")
    )


def ensure_wagtail_roots():
    """Put back the rows Wagtail's migrations create, which a transactional test's flush
    removes: the default locale, the root collection and the root page."""
    if not Locale.objects.exists():
        Locale.objects.create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    if not Page.objects.exists():
        Page.add_root(instance=Page(title="Root", slug="root"))


def build_world() -> World:
    ensure_wagtail_roots()
    DemoLoader().run(items=[])  # the site tree, taxonomy and demo organisations, no items
    world = World()
    world.orgs = {
        "source": make_org("Source Org"),
        "recipient": make_org("Recipient Org", kind="academia", size_band=""),
        "other": make_org("Other Org", kind="government", size_band=""),
    }
    for role, spec in ROLES.items():
        if spec is None:
            continue
        org_key, member_role, verified = spec
        world.users[role] = make_user(
            f"{role}@world.test", verified=verified,
            org=world.orgs[org_key] if org_key else None, role=member_role,
        )
    world.users["moderator"].groups.add(moderators_group())
    enrol_totp(world.users["moderator"])
    world.topic = Topic.objects.get(slug="supply-chain")
    for label in TLP:
        document = make_document(f"doc-{label.value}")
        world.documents[label] = document
        world.items[label] = make_item(
            world.orgs["source"], label, title_for(label), topics=[world.topic],
            recipient_orgs=[world.orgs["recipient"]] if label == TLP.AMBER else [],
            recipient_users=[world.users["red_recipient"]] if label == TLP.RED else [],
            document=document,
        )
    return world
