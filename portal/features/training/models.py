"""Training programmes: what an organisation asks of its members, and the record of it.

An organisation publishes an acceptable-behaviour policy (an item, in versions) that each
member acknowledges; assigns scenarios to its members with a due date and a recurrence; runs
them as facilitated sessions or lets members work through them alone. Every completion is a
row, so the evidence is the record itself. Community events and the personal calendar feed
live here too. Who sees what is decided by the rules in ``portal.core.access``
(``training.access``).
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.core.organisations.models import HttpsURLField
from portal.core.tlp import TLP


class BehaviourPolicy(models.Model):
    """One version of an organisation's acceptable-behaviour policy. The text is an item:
    the organisation's own (usually TLP:AMBER+STRICT) or a shared standard it adopts."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="behaviour_policies")
    version = models.PositiveIntegerField()
    item = models.ForeignKey("cms.ItemPage", on_delete=models.PROTECT, related_name="+",
                             help_text="The policy text: your own item or a shared standard.")
    note = models.CharField("what changed", max_length=300, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["organisation", "-version"]
        verbose_name_plural = "behaviour policies"
        constraints = [models.UniqueConstraint(fields=["organisation", "version"],
                                               name="one_policy_per_version")]

    def __str__(self):
        return f"Acceptable-behaviour policy of {self.organisation}, version {self.version}"

    @classmethod
    def current(cls, organisation):
        return cls.objects.filter(organisation=organisation).order_by("-version").first()


class Acknowledgement(models.Model):
    policy = models.ForeignKey(BehaviourPolicy, on_delete=models.CASCADE,
                               related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+", editable=False)
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["policy", "user"],
                                               name="one_acknowledgement_per_policy")]

    def __str__(self):
        return f"{self.user} acknowledged {self.policy}"


class Recurrence(models.IntegerChoices):
    ONCE = 0, "Once"
    QUARTERLY = 3, "Every 3 months"
    HALF_YEARLY = 6, "Every 6 months"
    ANNUALLY = 12, "Every 12 months"
    BIENNIALLY = 24, "Every 24 months"


class Audience(models.TextChoices):
    ALL = "all", "All members"
    ROLES = "roles", "Members with chosen roles"
    PEOPLE = "people", "Chosen members"


class Assignment(models.Model):
    """A scenario an organisation asks its members (all, some roles, or chosen people) to
    complete by a date, and again every ``recurrence`` months after each completion."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="training_assignments")
    scenario = models.ForeignKey("cms.ScenarioPage", on_delete=models.PROTECT,
                                 related_name="+")
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.ALL)
    roles = models.JSONField(default=list, blank=True,
                             help_text="For chosen roles: the roles (member, contributor, ...).")
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                    help_text="For chosen members.")
    due_on = models.DateField("first due date")
    recurrence = models.PositiveSmallIntegerField(choices=Recurrence.choices,
                                                  default=Recurrence.ANNUALLY)
    active = models.BooleanField(default=True, help_text="Ended assignments ask nothing more.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{self.scenario.title} for {self.organisation}"

    def applies_to(self, membership, people_ids=None) -> bool:
        """Does this assignment ask ``membership``'s person to take part? ``people_ids`` may
        be given when checking many memberships."""
        if self.audience == Audience.ALL:
            return True
        if self.audience == Audience.ROLES:
            return membership.role in self.roles
        if people_ids is None:
            people_ids = set(self.people.values_list("pk", flat=True))
        return membership.user_id in people_ids


class Completion(models.Model):
    """One person completed one assignment on one day, in a session or alone."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE,
                                   related_name="completions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+", editable=False)
    completed_on = models.DateField()
    session = models.ForeignKey("Session", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="completions")
    run = models.ForeignKey("SelfPacedRun", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="completions")

    class Meta:
        ordering = ["-completed_on"]
        indexes = [models.Index(fields=["assignment", "user", "completed_on"])]

    def __str__(self):
        return f"{self.user} completed {self.assignment} on {self.completed_on}"


class SessionStatus(models.TextChoices):
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"


class Session(models.Model):
    """A facilitated run of a scenario with a group, step by step."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="training_sessions")
    scenario = models.ForeignKey("cms.ScenarioPage", on_delete=models.PROTECT, related_name="+")
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                          related_name="training_sessions")
    status = models.CharField(max_length=10, choices=SessionStatus.choices,
                              default=SessionStatus.RUNNING)
    lessons = models.TextField("lessons learned", max_length=5000, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    case_study = models.ForeignKey("wagtailcore.Page", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Session of {self.scenario.title} on {self.started_at:%Y-%m-%d}"

    @property
    def is_finished(self):
        return self.status == SessionStatus.FINISHED


class InjectNote(models.Model):
    """The group's decisions at one step of a session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="notes")
    position = models.PositiveSmallIntegerField()
    decisions = models.TextField(max_length=3000, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["session", "position"],
                                               name="one_note_per_step")]

    def __str__(self):
        return f"{self.session}, step {self.position + 1}"


class SelfPacedRun(models.Model):
    """A member's own answers to a scenario's discussion questions."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="runs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+", editable=False)
    answers = models.JSONField(default=list,
                               help_text="Per step, the answer to each discussion question.")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.user} worked through {self.assignment}"


class TrainingEvent(models.Model):
    """A community event (an exercise day, a workshop) by a trade body or a government body."""

    PUBLISHER_TYPES = ("trade_body", "government")
    LABELS = [(TLP.CLEAR.value, TLP.CLEAR.label), (TLP.GREEN.value, TLP.GREEN.label)]

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="training_events")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=4000, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    link = HttpsURLField(blank=True, help_text="For an online event: where to join.")
    capacity = models.PositiveIntegerField(help_text="How many people may register.")
    tlp = models.CharField("TLP label", max_length=12, choices=LABELS, default=TLP.GREEN,
                           help_text="TLP:CLEAR for anyone, TLP:GREEN for the community.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self):
        return self.title


class EventRegistration(models.Model):
    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE,
                              related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    # The event's organisation, so its publishers see who is coming (access rule).
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+", editable=False)
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"],
                                               name="one_registration_per_person")]

    def __str__(self):
        return f"{self.user} at {self.event}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A person's calendar feed. Only the hash of the secret in its address is stored; a
    reset replaces it, and the old address stops working."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="training_calendar")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Calendar feed of {self.user}"

    @classmethod
    def reset(cls, user) -> str:
        """A new secret for ``user``'s feed; returns the plain token (shown once)."""
        token = secrets.token_urlsafe(32)
        cls.objects.update_or_create(user=user, defaults={"token_hash": hash_token(token),
                                                          "created_at": timezone.now()})
        return token

    @classmethod
    def user_for(cls, token: str):
        if not token or len(token) > 100:
            return None
        feed = cls.objects.select_related("user").filter(token_hash=hash_token(token)).first()
        return feed.user if feed and feed.user.is_active else None


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class ReminderDelivery(models.Model):
    """Everything one person is told about training on one day, in one email. Unique per
    person and day, and claimed before sending, as digest deliveries are: a repeated day or
    a crashed worker neither repeats nor loses a message."""

    day = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    lines = models.JSONField(default=list, help_text="What the message says, without titles.")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim = models.CharField(max_length=32, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-day"]
        verbose_name_plural = "reminder deliveries"
        constraints = [models.UniqueConstraint(fields=["day", "user"],
                                               name="one_training_email_per_day")]

    def __str__(self):
        return f"Training reminders for {self.user} on {self.day}"

