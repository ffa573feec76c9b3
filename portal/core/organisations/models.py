import hashlib
import secrets
from datetime import timedelta

from anyascii import anyascii
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify


class OrganisationType(models.TextChoices):
    GOVERNMENT = "government", "Government"
    INDUSTRY = "industry", "Industry"
    ACADEMIA = "academia", "Academia"
    CIVIL_SOCIETY = "civil_society", "Civil society"
    TRADE_BODY = "trade_body", "Trade body"


class SizeBand(models.TextChoices):
    MICRO = "micro", "Micro (fewer than 10 staff)"
    SMALL = "small", "Small (10 to 49 staff)"
    MEDIUM = "medium", "Medium (50 to 249 staff)"
    LARGE = "large", "Large (250 staff or more)"


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SUSPENDED = "suspended", "Suspended"


# Decisions the moderator explains: the reason reaches the people the decision affects.
REASON_REQUIRED = (OrganisationStatus.REJECTED, OrganisationStatus.SUSPENDED)


class HttpsURLField(models.URLField):
    """A URL field whose forms assume https:// when a scheme is left out."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class OrganisationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=OrganisationStatus.APPROVED)


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    organisation_type = models.CharField("organisation type", max_length=20,
                                         choices=OrganisationType.choices)
    size_band = models.CharField(
        max_length=10, choices=SizeBand.choices, blank=True,
        help_text="For industry: lets small firms be found and served.",
    )
    website = HttpsURLField(blank=True)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=OrganisationStatus.choices, default=OrganisationStatus.PENDING
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who asked for the organisation on the site; the moderator vets them (``vetting``).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="organisations_requested",
    )
    decision_reason = models.TextField(
        "reason", blank=True, max_length=1000,
        help_text="Required to reject or suspend: a rejection's reason reaches the person who "
                  "registered the organisation, a suspension's reaches all its members.",
    )
    four_eyes = models.BooleanField(
        "four-eyes publishing", default=True,
        help_text="Each submission is approved by someone other than its author. With a single "
                  "person able to publish, submissions go to the portal moderators.",
    )
    # Set up on approval by the CMS (cms.provisioning, on the organisation_approved signal).
    contributors_group = models.OneToOneField(
        "auth.Group", null=True, blank=True, editable=False, on_delete=models.SET_NULL,
        related_name="+",
    )
    publishers_group = models.OneToOneField(
        "auth.Group", null=True, blank=True, editable=False, on_delete=models.SET_NULL,
        related_name="+",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection", null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug_for(self.name)
        if self.organisation_type != OrganisationType.INDUSTRY:
            self.size_band = ""
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        page = getattr(self, "page", None)
        return page.url if page is not None else ""

    def approve(self, by=None):
        """Approve the organisation. Saving announces the approval (``signals``), and what the
        receivers set up commits or rolls back with it."""
        self.status = OrganisationStatus.APPROVED
        self.approved_at = timezone.now()
        self.approved_by = by
        with transaction.atomic():
            self.save()

    def admins(self):
        """The active users who administer this organisation."""
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(
            is_active=True, memberships__organisation=self, memberships__role=Role.ADMIN)
    @classmethod
    def unique_slug_for(cls, name: str) -> str:
        """A slug no other organisation has. Names in other scripts are transliterated, and a
        name with no letters at all still gets one, so a slug is never empty."""
        base = slugify(anyascii(name))[:190].strip("-") or "organisation"
        taken = set(cls.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        return slug

    @property
    def is_approved(self):
        return self.status == OrganisationStatus.APPROVED

    @property
    def is_small_firm(self):
        return self.organisation_type == OrganisationType.INDUSTRY and self.size_band in {
            SizeBand.MICRO, SizeBand.SMALL,
        }


class Role(models.TextChoices):
    """Roles within one organisation, lowest first: each includes the ones before it."""

    MEMBER = "member", "Member"
    CONTRIBUTOR = "contributor", "Contributor"
    PUBLISHER = "publisher", "Publisher"
    ADMIN = "admin", "Organisation admin"

    @classmethod
    def rank(cls, role) -> int:
        return list(cls.values).index(role)

    @classmethod
    def at_least(cls, role) -> tuple[str, ...]:
        """``role`` and the roles above it: at_least(CONTRIBUTOR) are the editors."""
        return tuple(cls.values)[cls.rank(role):]


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} of {self.organisation}"

    def has_role(self, role) -> bool:
        return Role.rank(self.role) >= Role.rank(role)

    def has_capability(self, capability) -> bool:
        return self.capabilities.filter(capability=capability).exists()


class Capability(models.TextChoices):
    """Duties an organisation admin gives a member on top of their role. Each feature that
    needs one names it here, so the access rules can read it from the principal."""

    TRAINING_LEAD = "training_lead", "Training lead"
    CASE_HANDLER = "case_handler", "Case handler"
    ASSESSOR = "assessor", "Standards assessor"


class MembershipCapability(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE,
                                   related_name="capabilities")
    capability = models.CharField(max_length=20, choices=Capability.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["membership", "capability"],
                                               name="one_grant_per_capability")]

    def __str__(self):
        return f"{self.membership}: {self.get_capability_display()}"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(accepted_at__isnull=True, revoked=False, expires_at__gt=timezone.now())

    def by_token(self, token: str):
        """The open invitation for a token, or None. Only the token's hash is stored."""
        if not token or len(token) > 100:
            return None
        return self.open().filter(token_hash=_hash_token(token)).first()


class Invitation(models.Model):
    VALID_FOR = timedelta(days=14)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email} to {self.organisation}"

    @classmethod
    def issue(cls, organisation, email, role, invited_by):
        """Create an invitation and return it with its one-time plain token."""
        token = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            organisation=organisation,
            email=email.strip().lower(),
            role=role,
            invited_by=invited_by,
            token_hash=_hash_token(token),
            expires_at=timezone.now() + cls.VALID_FOR,
        )
        return invitation, token


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class JoinRequest(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(blank=True, max_length=1000)
    status = models.CharField(
        max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(status="pending"),
                name="one_pending_join_request",
            )
        ]

    def __str__(self):
        return f"{self.user} asks to join {self.organisation}"


class SharingGroup(models.Model):
    """A named, reusable set of organisations that its owner's editors share TLP:AMBER items
    with, as MISP's sharing groups. An item names the group, not its organisations: who may
    read the item follows the group's membership as it is when the item is read."""

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                              related_name="owned_sharing_groups")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    organisations = models.ManyToManyField(Organisation, related_name="sharing_groups",
                                           blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"],
                                               name="one_sharing_group_name_per_owner")]

    def __str__(self):
        return self.name
