"""The search index kept in the database: one entry per live item.

Entries copy what search needs from an item, the access fields included, so the access
policy's filter (search.access.entry_policy) runs on the entries themselves, inside the same
query as the full-text match. The full-text part lives beside the table: an FTS5 table on
SQLite and a generated tsvector column on PostgreSQL (see migration 0002).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F

from portal.core.tlp import TLP


class SearchEntry(models.Model):
    # IntegerField, like Wagtail's page ids; on SQLite it makes the id the table's rowid,
    # which the FTS5 table joins on directly.
    id = models.IntegerField(primary_key=True, help_text="The item's page id.")
    url = models.CharField(max_length=500)
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    item_type = models.CharField(max_length=20, db_index=True)
    source_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    organisation_type = models.CharField(max_length=20, db_index=True)
    topics = models.ManyToManyField("cms.Topic", related_name="+", blank=True)
    audiences = models.ManyToManyField("cms.Audience", related_name="+", blank=True)
    # Facet keys: the sorted ids of the topics and audiences ("3,7"). Facet counts group the
    # matches by these few combinations instead of joining every match to the m2m tables.
    topic_ids = models.TextField(blank=True, default="")
    audience_ids = models.TextField(blank=True, default="")
    # A stable 1% bucket: a search matching very many entries counts its facets on a sample
    # of buckets (search.backends.database).
    sample = models.GeneratedField(expression=F("id") % 100,
                                   output_field=models.SmallIntegerField(), db_persist=True)
    published_at = models.DateTimeField(db_index=True)
    year = models.PositiveSmallIntegerField(db_index=True)
    # Names of the item's topics and audiences, searched and weighted like a second summary.
    tags = models.TextField(blank=True, default="")
    # Access fields, mirrored from the item (the same names, so the same filter applies).
    tlp = models.CharField(max_length=12, choices=TLP.choices, db_index=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    recipient_organisations = models.ManyToManyField(
        "organisations.Organisation", related_name="+", blank=True
    )
    recipient_users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+",
                                             blank=True)
    recipient_groups = models.ManyToManyField("organisations.SharingGroup", related_name="+",
                                              blank=True)
    version = models.CharField(max_length=64, help_text="Fingerprint of what was indexed.")
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "search entries"
        indexes = [models.Index(fields=["tlp", "source_organisation"])]

    def __str__(self):
        return self.title


class Synonym(models.Model):
    """Words and phrases that mean the same to a searcher; a search for any of them finds
    items with any other."""

    terms = models.TextField(
        help_text="Words or phrases that mean the same, separated by commas, for example "
                  "“pen test, penetration test, pentest”.")
    note = models.CharField(max_length=200, blank=True,
                            help_text="Why these belong together (optional, for moderators).")

    class Meta:
        ordering = ["terms"]

    def __str__(self):
        return self.terms[:80]

    def clean(self):
        from search.synonyms import parse_group

        if len(parse_group(self.terms)) < 2:
            raise ValidationError({"terms": "Give at least two different words or phrases, "
                                            "separated by commas."})
