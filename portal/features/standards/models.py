"""Standards in practice: clauses with a stable identity, published versions, signatories,
self-assessments with their history and shares, consultation comments, uptake settings and
mentoring.

A clause's identity is the id Wagtail gives its block in the standard's StreamField: it
survives edits, reordering and renumbering, so links, answers and comments follow the clause,
not its number. :class:`Clause` mirrors the live clauses of each standard (synced on publish),
and :class:`StandardVersion` keeps the text of each published version label.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel


class Clause(models.Model):
    standard = models.ForeignKey("cms.StandardPage", on_delete=models.CASCADE,
                                 related_name="practice_clauses")
    key = models.CharField(max_length=64, help_text="The clause block's id: its identity.")
    number = models.CharField(max_length=12)
    title = models.CharField(max_length=160)
    position = models.PositiveIntegerField(default=0)
    text_hash = models.CharField(max_length=64)
    current = models.BooleanField(default=True, help_text="False once removed from the text.")

    class Meta:
        ordering = ["standard_id", "position"]
        constraints = [models.UniqueConstraint(fields=["standard", "key"],
                                               name="one_clause_per_key")]

    def __str__(self):
        return f"{self.standard.title} — {self.number}. {self.title}"


class StandardVersion(models.Model):
    """The clauses of one published version label of a standard, as they read then."""

    standard = models.ForeignKey("cms.StandardPage", on_delete=models.CASCADE,
                                 related_name="practice_versions")
    label = models.CharField(max_length=20)
    status = models.CharField(max_length=12)
    published_at = models.DateTimeField()
    # [{"key", "number", "title", "requirement", "hash"}] in the standard's order
    clauses = models.JSONField(default=list)

    class Meta:
        ordering = ["standard_id", "published_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["standard", "label"],
                                               name="one_version_per_label")]

    def __str__(self):
        return f"{self.standard.title} {self.label}"


class Signatory(models.Model):
    standard = models.ForeignKey("cms.StandardPage", on_delete=models.CASCADE,
                                 related_name="signatories")
    version = models.ForeignKey(StandardVersion, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="signed_standards")
    statement = models.TextField(blank=True, max_length=1000)
    signed_at = models.DateTimeField(auto_now_add=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    removal_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["signed_at"]
        constraints = [models.UniqueConstraint(
            fields=["standard", "organisation"],
            condition=Q(withdrawn_at__isnull=True, removed_at__isnull=True),
            name="one_active_signature")]

    def __str__(self):
        return f"{self.organisation} signed {self.standard}"

    @property
    def active(self):
        return self.withdrawn_at is None and self.removed_at is None


class Answer(models.TextChoices):
    MET = "met", "Met"
    PARTLY = "partly", "Partly met"
    NOT_MET = "not_met", "Not met"
    NOT_APPLICABLE = "na", "Not applicable"


GAPS = (Answer.NOT_MET, Answer.PARTLY)


class Assessment(models.Model):
    """One organisation's self-assessment against a standard (its current version).

    Who may read and edit it is decided by ``portal.core.access.assessment_rule`` and
    ``assessment_editor_rule`` through the policies in ``standards.access``.
    """

    standard = models.ForeignKey("cms.StandardPage", on_delete=models.CASCADE,
                                 related_name="assessments")
    version = models.ForeignKey(StandardVersion, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="assessments")
    shared_with = models.ManyToManyField("organisations.Organisation", through="AssessmentShare",
                                         related_name="assessments_shared_with_us", blank=True)
    aggregate = models.BooleanField(
        "share for anonymised uptake figures", default=False,
        help_text="Counted, without your name, in the standard's uptake figures.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["standard", "organisation"],
                                               name="one_assessment_per_standard")]

    def __str__(self):
        return f"{self.organisation}: {self.standard}"


class AssessmentShare(models.Model):
    """A read-only share. Withdrawing deletes the row (the history keeps the event)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    mentoring = models.ForeignKey("Mentoring", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="shares",
                                  help_text="Set when the share lasts as long as a mentoring.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "organisation"],
                                               name="one_share_per_organisation")]

    def __str__(self):
        return f"{self.assessment} shared with {self.organisation}"


class ClauseAnswer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="answers")
    status = models.CharField(max_length=8, choices=Answer.choices, blank=True)
    evidence = models.TextField(blank=True, max_length=4000)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    target_date = models.DateField(null=True, blank=True)
    # "new" or "changed" when a version brought this clause in or changed its text
    flag = models.CharField(max_length=8, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "clause"],
                                               name="one_answer_per_clause")]
        indexes = [models.Index(fields=["clause", "status"])]

    def __str__(self):
        return f"{self.assessment}: {self.clause.number}"


class AssessmentEvent(models.Model):
    """The history of an assessment: who changed what, when."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="events")
    clause = models.ForeignKey(Clause, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    # {"field": [before, after]} for answers; {"event": "...", ...} otherwise
    change = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.assessment} at {self.at:%Y-%m-%d %H:%M}"

    def lines(self) -> list[str]:
        """The change in words, one line per field or detail."""
        return [f"{key}: {value[0] or '—'} → {value[1] or '—'}"
                if isinstance(value, list) and len(value) == 2 else f"{key}: {value}"
                for key, value in self.change.items()]


class ClauseLink(models.Model):
    """An item (guidance, case study, scenario) that helps meet a clause. Part of the item's
    revisions, edited on the item in the editor."""

    item = ParentalKey("cms.ItemPage", on_delete=models.CASCADE, related_name="clause_links")
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="links")
    primary = models.BooleanField(
        "addresses it directly", default=True,
        help_text="Untick when the item only helps in part; direct matches are listed first.")

    panels = [FieldPanel("clause"), FieldPanel("primary")]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "clause"],
                                               name="one_link_per_item_and_clause")]

    def __str__(self):
        return f"{self.item} helps meet {self.clause}"


class Consultation(models.Model):
    """A consultation on one version label of a standard out for consultation."""

    standard = models.ForeignKey("cms.StandardPage", on_delete=models.CASCADE,
                                 related_name="consultations")
    version_label = models.CharField(max_length=20)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["standard", "version_label"],
                                               name="one_consultation_per_version")]

    def __str__(self):
        return f"Consultation on {self.standard} {self.version_label}"

    @property
    def is_open(self):
        return self.closed_at is None


class Decision(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Not accepted"


class Comment(models.Model):
    """A consultation comment on one clause (or the whole standard, ``clause`` empty). It
    carries no label of its own: whoever may see the standard may see its comments."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="comments")
    clause = models.ForeignKey(Clause, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True, max_length=4000)
    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    hidden_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Comment on {self.consultation}"


class UptakeAudience(models.IntegerChoices):
    PUBLISHER = 0, "The publishing organisation and moderators"
    COMMUNITY = 1, "Also every member of the community who may see the standard"


class UptakeSetting(models.Model):
    """Who reads a standard's uptake figures (see ``portal.core.access.uptake_rule``)."""

    standard = models.OneToOneField("cms.StandardPage", on_delete=models.CASCADE,
                                    related_name="uptake_setting")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+", help_text="The publishing organisation.")
    audience = models.PositiveSmallIntegerField(choices=UptakeAudience.choices,
                                                default=UptakeAudience.PUBLISHER)

    def __str__(self):
        return f"Uptake of {self.standard}"


class MentoringOffer(models.Model):
    organisation = models.OneToOneField("organisations.Organisation", on_delete=models.CASCADE,
                                        related_name="mentoring_offer")
    topics = models.ManyToManyField("cms.Topic", blank=True, related_name="+")
    clauses = models.ManyToManyField(Clause, blank=True, related_name="mentoring_offers")
    capacity = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="How many organisations you can mentor at once.")
    note = models.TextField("what you offer", blank=True, max_length=2000)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Mentoring offered by {self.organisation}"


class MentoringStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    DECLINED = "declined", "Declined"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


OPEN_MENTORING = (MentoringStatus.REQUESTED, MentoringStatus.ACTIVE)


class Mentoring(models.Model):
    """One mentoring pair, from request to close (see ``portal.core.access.mentoring_rule``)."""

    mentor = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                               related_name="mentoring_given")
    mentee = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                               related_name="mentoring_received")
    standard = models.ForeignKey("cms.StandardPage", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=MentoringStatus.choices,
                              default=MentoringStatus.REQUESTED)
    message = models.TextField(blank=True, max_length=2000)
    share_assessment = models.BooleanField(default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    mentor_feedback = models.CharField(max_length=500, blank=True)
    mentee_feedback = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [models.UniqueConstraint(
            fields=["mentor", "mentee", "standard"],
            condition=Q(status__in=["requested", "active"]), name="one_open_mentoring")]

    def __str__(self):
        return f"{self.mentor} mentors {self.mentee}"
