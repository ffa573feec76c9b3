"""Vetting an organisation that asked to join the portal: what the moderator needs to decide,
and telling the people concerned about the request and the decision."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils.text import Truncator

from portal.core.accounts.moderators import moderators
from portal.core.audit.models import AuditEvent, Kind
from portal.core.notifications.sending import notify
from portal.core.organisations.models import (
    JoinRequestStatus,
    Organisation,
    OrganisationStatus,
    Role,
)
from portal.core.organisations.notifications import (
    REGISTRATION_DECIDED,
    REGISTRATION_REQUESTED,
    SUSPENSION_CHANGED,
)


@dataclass(frozen=True)
class DomainMatch:
    email_domain: str
    website_domain: str

    @property
    def known(self) -> bool:
        return bool(self.email_domain and self.website_domain)

    @property
    def matches(self) -> bool:
        """The email's domain is the website's, or one of its subdomains."""
        return self.known and (self.email_domain == self.website_domain
                               or self.email_domain.endswith("." + self.website_domain))


def _website_domain(website: str) -> str:
    host = (urlsplit(website).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def domain_match(email: str, website: str) -> DomainMatch:
    email_domain = email.rpartition("@")[2].lower().rstrip(".") if "@" in email else ""
    return DomainMatch(email_domain, _website_domain(website or ""))


def requester(organisation: Organisation):
    """Who asked for the organisation; for those registered before it was recorded, its
    first admin."""
    if organisation.requested_by_id:
        return organisation.requested_by
    first_admin = organisation.memberships.filter(role=Role.ADMIN).select_related("user")
    membership = first_admin.order_by("created_at").first()
    return membership.user if membership else None


def review(organisation: Organisation) -> dict:
    """What the moderator sees above the organisation's form."""
    person = requester(organisation)
    return {
        "requester": person,
        "requester_verified": person is not None and EmailAddress.objects.filter(
            user=person, email__iexact=person.email, verified=True).exists(),
        "domain": domain_match(person.email if person else "", organisation.website),
        "history": AuditEvent.objects.filter(
            organisation=organisation,
            kind__in=[Kind.ORGANISATION_REGISTERED, Kind.ORGANISATION_STATUS],
        ).order_by("occurred_at", "pk"),
        "other_requests": (
            Organisation.objects.filter(requested_by=person).exclude(pk=organisation.pk)
            .order_by("-created_at") if person else Organisation.objects.none()),
        "members": organisation.memberships.count(),
        "pending_join_requests": organisation.join_requests.filter(
            status=JoinRequestStatus.PENDING).count(),
    }


def announce_request(organisation: Organisation, email: str) -> None:
    """Tell the portal moderators that an organisation waits for them."""
    notify(moderators(), REGISTRATION_REQUESTED,
           f"{email} asked to register {organisation} on the portal",
           reverse("organisations:edit", args=[organisation.pk]))


def _with_reason(opening: str, organisation: Organisation) -> str:
    """A title that ends with the moderator's reason, shortened to fit (the page linked holds
    it whole)."""
    reason = " ".join(organisation.decision_reason.split())
    return opening + Truncator(reason).chars(max(60, 200 - len(opening)))


def _members(organisation: Organisation) -> list:
    return [m.user for m in organisation.memberships.select_related("user")]


def announce_decision(organisation: Organisation, previous: str) -> None:
    """Tell the people a moderator's decision concerns. Approval or rejection of a request
    reaches whoever asked for it; suspension and reinstatement reach every member, whose
    access changes with it."""
    status = organisation.status
    if status == OrganisationStatus.SUSPENDED:
        notify(_members(organisation), SUSPENSION_CHANGED, _with_reason(
            f"{organisation} was suspended from the portal: its members lose the access "
            "membership gave them until it is reinstated. Reason: ", organisation))
        return
    if status == OrganisationStatus.APPROVED and previous == OrganisationStatus.SUSPENDED:
        notify(_members(organisation), SUSPENSION_CHANGED,
               f"{organisation} was reinstated: its members' access is back")
        return
    person = requester(organisation)
    recipients = [person] if person else list(organisation.admins())
    if status == OrganisationStatus.APPROVED:
        notify(recipients, REGISTRATION_DECIDED,
               f"{organisation} was approved: you can now invite your colleagues",
               reverse("manage-members", args=[organisation.slug]))
    elif status == OrganisationStatus.REJECTED:
        notify(recipients, REGISTRATION_DECIDED,
               _with_reason(f"{organisation} was not approved: ", organisation),
               reverse("request-organisation"))


def pending_count() -> int:
    return Organisation.objects.filter(status=OrganisationStatus.PENDING).count()
