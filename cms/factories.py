"""The one way to make organisations, people and items, shared by the demo loader, the tests,
the synthetic library and the benchmarks. Plain functions over the real models: everything
made here goes through the same saves and signals as the portal's own forms."""

from datetime import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from cms.models import GuidancePage, ItemPage, OrganisationPage
from portal.core.organisations.models import Membership, Organisation, OrganisationStatus


def make_organisation(name, *, slug="", organisation_type="industry", size_band="small",
                      description="", approved=True) -> Organisation:
    """An organisation; an approved one gets its page, groups and workflow on save."""
    return Organisation.objects.create(
        name=name, slug=slug, organisation_type=organisation_type, size_band=size_band,
        description=description,
        status=OrganisationStatus.APPROVED if approved else OrganisationStatus.PENDING,
    )


def make_user(email, *, password=None, verified=True, org=None, role=None, first_name="",
              last_name="", superuser=False):
    """A person with a primary e-mail address (verified or not) and, given ``org``, a
    membership in the given role. Without a password the account cannot sign in with one."""
    user = get_user_model().objects.create_user(
        email=email, password=password, first_name=first_name, last_name=last_name,
        is_superuser=superuser, is_staff=superuser,
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    if org is not None:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


def make_item(org, label, title, *, cls=GuidancePage, topics=(), audiences=(), recipient_orgs=(),
              recipient_users=(), recipient_groups=(), owner=None, document=None,
              published_at: datetime | None = None, **fields) -> ItemPage:
    """A published item under ``org``'s page. Without a body or summary it gets placeholder
    text; ``published_at`` back-dates its publication."""
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
    page.recipient_groups.set(recipient_groups)
    if document is not None:
        page.attachments.create(document=document)
    page.save_revision(user=owner).publish(skip_permission_checks=True)
    if published_at is not None:
        cls.objects.filter(pk=page.pk).update(
            first_published_at=published_at, last_published_at=published_at)
        page.first_published_at = page.last_published_at = published_at
    return page
