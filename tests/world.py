"""A small, fixed world for access tests: the bare site, three organisations (and one
waiting for approval), one person per role and one item under each TLP label, each with an
attached document."""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale, Page

from cms import factories
from cms.bootstrap import ensure_site
from cms.factories import make_item
from cms.models import GuidancePage, OrganisationPage, Topic
from cms.provisioning import moderators_group
from portal.core.organisations.models import Organisation
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


def make_user(email, *, role=None, **kwargs):
    """A person who signs in with the world's password (see cms.factories.make_user); roles
    that must use two-factor sign-in get the world's TOTP authenticator."""
    user = factories.make_user(email, password=PASSWORD, role=role, **kwargs)
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


def make_document(title, org=None):
    """A document in ``org``'s collection (the site's root collection without one)."""
    collection = (Organisation.objects.get(pk=org.pk).collection if org is not None
                  else Collection.get_first_root_node())
    return get_document_model().objects.create(
        title=title, file=ContentFile(f"{title}\n".encode(), name=f"{title}.txt"),
        collection=collection,
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
    ensure_site()  # the page tree and the taxonomy
    world = World()
    world.orgs = {
        "source": factories.make_organisation("Source Org"),
        "recipient": factories.make_organisation("Recipient Org", organisation_type="academia",
                                                 size_band=""),
        "other": factories.make_organisation("Other Org", organisation_type="government",
                                             size_band=""),
        "pending": factories.make_organisation("Pending Org", organisation_type="industry",
                                               size_band="medium", approved=False),
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
        document = make_document(f"doc-{label.value}", org=world.orgs["source"])
        world.documents[label] = document
        world.items[label] = make_item(
            world.orgs["source"], label, title_for(label), topics=[world.topic],
            recipient_orgs=[world.orgs["recipient"]] if label == TLP.AMBER else [],
            recipient_users=[world.users["red_recipient"]] if label == TLP.RED else [],
            document=document,
        )
    return world


# The admin's roles, for the editor block of the matrix: (organisation key, membership role).
# The source organisation's editors and the moderator are in ROLES; the other organisation's
# editors are added per test by add_editors().
EDITOR_ROLES = {
    "contributor": ("source", "contributor"),
    "publisher": ("source", "publisher"),
    "other_contributor": ("other", "contributor"),
    "other_publisher": ("other", "publisher"),
    "other_admin": ("other", "admin"),
    "moderator": None,
}
ELSEWHERE_TITLE = "Elsewhere red marker"
DRAFT_TITLE = "Unpublished draft marker"


def add_editors(world: World) -> World:
    """The other organisation's editors, a TLP:RED item of the other organisation (restricted
    for the source's editors) and a never-published draft of the source organisation."""
    for role, spec in EDITOR_ROLES.items():
        if role not in world.users:
            org_key, member_role = spec
            world.users[role] = make_user(f"{role}@world.test", org=world.orgs[org_key],
                                          role=member_role)
    document = make_document("doc-elsewhere", org=world.orgs["other"])
    world.documents["elsewhere"] = document
    world.items["elsewhere"] = make_item(
        world.orgs["other"], TLP.RED, ELSEWHERE_TITLE,
        recipient_users=[world.users["red_recipient"]], document=document)
    parent = OrganisationPage.objects.get(organisation=world.orgs["source"])
    draft = GuidancePage(title=DRAFT_TITLE, tlp=TLP.CLEAR, summary="Draft.", live=False,
                         body=[{"type": "paragraph", "value": "<p>Draft.</p>"}])
    parent.add_child(instance=draft)
    draft.save_revision()
    world.items["draft"] = draft
    return world


# Sharing groups: a TLP:AMBER item shared through a group of the source organisation that holds
# the other organisation. Added per test (add_sharing_group_item), not to the session's world.
GROUP_TITLE = "Matrix sharing group zeppelin"
# Written out: the source organisation's members, and the other organisation's (the group's).
GROUP_EXPECTED = SOURCE | {"other_member", "red_recipient"}


def add_sharing_group_item(world: World):
    from portal.core.organisations.models import SharingGroup

    group = SharingGroup.objects.create(owner=world.orgs["source"], name="Matrix partners")
    group.organisations.set([world.orgs["other"]])
    return make_item(world.orgs["source"], TLP.AMBER, GROUP_TITLE, topics=[world.topic],
                     recipient_groups=[group])
