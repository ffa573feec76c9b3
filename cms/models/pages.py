"""The site's structure: home, libraries, organisations and topics."""

import re

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import SimpleLazyObject, cached_property
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.four_eyes import FourEyesPublishing
from cms.listing import paginate, visible_items_for
from cms.models.items import ITEM_TYPES, ITEM_TYPES_BY_SLUG, SharedContentPage
from cms.models.snippets import Audience, Topic
from cms.sections import page_sections

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


def lazy_topic_index():
    """The topic index, looked up only if a template uses it (not when its fragment is cached)."""
    return SimpleLazyObject(lambda: TopicIndexPage.objects.live().first())


class HomePage(SharedContentPage, Page):
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    max_count = 1
    subpage_types = ["cms.LibraryPage", "cms.OrganisationIndexPage", "cms.TopicIndexPage"]
    content_panels = Page.content_panels + [FieldPanel("intro")]

    def route(self, request, path_components):
        """Find the deepest page on the path in one query, by its url_path, rather than one
        child lookup per level; that page routes whatever remains (a topic's sub-path) or
        answers 404 as usual."""
        if path_components:
            prefixes = [f"{self.url_path}{'/'.join(path_components[:n])}/"
                        for n in range(1, len(path_components) + 1)]
            deepest = (Page.objects.filter(url_path__in=prefixes)
                       .descendant_of(self).order_by("-depth").first())
            if deepest is not None:
                return deepest.specific.route(request, path_components[deepest.depth - self.depth:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_items"] = visible_items_for(request)[:8]
        context["libraries"] = LibraryPage.objects.live().child_of(self)
        context["topics"] = Topic.objects.all()
        context["topic_index"] = lazy_topic_index()
        return context


def filter_by_taxonomy(request, items):
    """Apply ?topic= and ?audience= filters; an unknown slug is a clear 404."""
    chosen = {}
    for param, model in (("topic", Topic), ("audience", Audience)):
        slug = request.GET.get(param)
        if slug:
            # Check the shape first: some databases refuse characters such as NUL outright.
            obj = model.objects.filter(slug=slug).first() if SLUG.fullmatch(slug) else None
            if obj is None:
                raise Http404(f"There is no {param} called “{slug[:80]}”.")
            items = items.filter(**{f"{param}s": obj})
            chosen[param] = obj
    return items, chosen


class LibraryPage(SharedContentPage, Page):
    """Lists one kind of item across every organisation."""

    ITEM_TYPE_CHOICES = [(cls.type_slug, cls._meta.verbose_name_plural.capitalize())
                         for cls in ITEM_TYPES]

    item_type = models.CharField(max_length=20, choices=ITEM_TYPE_CHOICES)
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    content_panels = Page.content_panels + [FieldPanel("item_type"), FieldPanel("intro")]

    @cached_property
    def item_class(self):
        return ITEM_TYPES_BY_SLUG[self.item_type]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = visible_items_for(request).filter(
            content_type=ContentType.objects.get_for_model(self.item_class)
        )
        items, chosen = filter_by_taxonomy(request, items)
        context["items"] = paginate(request, items)
        context["chosen"] = chosen
        context["topics"] = Topic.objects.all()
        context["audiences"] = Audience.objects.all()
        return context


class OrganisationIndexPage(SharedContentPage, Page):
    """The directory of approved organisations."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    max_count = 1
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.OrganisationPage"]
    content_panels = Page.content_panels + [FieldPanel("intro")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["organisation_pages"] = (
            OrganisationPage.objects.live().child_of(self)
            .filter(organisation__status="approved")
            .select_related("organisation").order_by("title")
        )
        return context


class OrganisationPage(FourEyesPublishing, SharedContentPage, Page):
    """One organisation's home in the portal; its contributions are its children."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="page"
    )

    parent_page_types = ["cms.OrganisationIndexPage"]
    subpage_types = [f"cms.{cls.__name__}" for cls in ITEM_TYPES]
    personal_for_members = True  # their membership, or a form to ask to join
    content_panels = Page.content_panels + [FieldPanel("organisation", read_only=True)]

    def four_eyes_organisation_id(self):
        return self.organisation_id

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = visible_items_for(request).filter(source_organisation=self.organisation_id)
        context["items"] = paginate(request, items)
        context["membership"] = None
        if request.user.is_authenticated:
            context["membership"] = self.organisation.memberships.filter(
                user=request.user
            ).first()
            context["pending_request"] = self.organisation.join_requests.filter(
                user=request.user, status="pending"
            ).exists()
        context["page_sections"] = page_sections(request, self)
        return context


class TopicIndexPage(SharedContentPage, RoutablePageMixin, Page):
    """Lists topics, and at /<slug>/ every visible item on one topic."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    max_count = 1
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    content_panels = Page.content_panels + [FieldPanel("intro")]

    @path("")
    def topic_list(self, request):
        visible = Q(items__in=visible_items_for(request).values("pk"))
        topics = Topic.objects.annotate(item_count=Count("items", filter=visible, distinct=True))
        return self.render(request, context_overrides={"topics": topics})

    @path("<slug:slug>/")
    def topic_detail(self, request, slug):
        topic = get_object_or_404(Topic, slug=slug)
        items = visible_items_for(request).filter(topics=topic)
        return self.render(
            request,
            context_overrides={"topic": topic, "items": paginate(request, items)},
            template="cms/topic_detail.html",
        )
