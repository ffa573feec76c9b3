"""Change notes and follows: what changed in an item, and who wants to hear of it.

A publication may carry a change note, written on the page (its "Change note" tab) so that it
travels with the revision through a workflow or a schedule. When the revision is published the
note is recorded here and cleared on the page (cms.following). The first publication is not a
change.
"""

from django.conf import settings
from django.db import models


class ChangeNote(models.Model):
    """One published change of an item. Major ones show on the item and reach its followers;
    minor ones stay with the editors."""

    page = models.ForeignKey("cms.ItemPage", on_delete=models.CASCADE,
                             related_name="change_notes")
    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    note = models.CharField(max_length=300)
    major = models.BooleanField(default=False)
    published_at = models.DateTimeField(db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["page", "major", "published_at"])]

    def __str__(self):
        return f"{'Major' if self.major else 'Minor'} change of #{self.page_id}: {self.note}"


class Follow(models.Model):
    """A person follows an item to hear of its major changes. Theirs alone (cms.access)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="follows")
    page = models.ForeignKey("cms.ItemPage", on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "page"],
                                               name="one_follow_per_user_and_item")]

    def __str__(self):
        return f"{self.user_id} follows #{self.page_id}"


class UpdatesBy(models.TextChoices):
    IMMEDIATELY = "immediately", "At once, as a notification"
    DIGEST = "digest", "In my email digest, under \u201cUpdated\u201d"


class FollowPreference(models.Model):
    """How a person hears of changes to the items they follow. No row: at once."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="follow_preference")
    updates = models.CharField(max_length=12, choices=UpdatesBy.choices,
                               default=UpdatesBy.IMMEDIATELY)

    def __str__(self):
        return f"{self.user_id}: {self.updates}"
