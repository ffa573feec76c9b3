from django.db import models
from wagtail.search import index
from wagtail.snippets.models import register_snippet


class Taxonomy(index.Indexed, models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True, max_length=500)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


@register_snippet
class Topic(Taxonomy):
    """A theme of responsible cyber behaviour, such as vulnerability disclosure."""

    class Meta(Taxonomy.Meta):
        pass


@register_snippet
class Audience(Taxonomy):
    """Who an item is written for, such as small firms or researchers."""

    class Meta(Taxonomy.Meta):
        pass
