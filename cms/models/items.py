"""Shared items: the four kinds of content the community publishes, all under TLP."""

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.access import item_policy
from cms.blocks import BodyBlock, ClauseBlock, InjectBlock
from cms.editor_links import references_in_page, references_in_values, refused_references
from cms.four_eyes import FourEyesPublishing
from cms.recipients import MAX_RECIPIENTS, RecipientUsersWidget, eligible_recipients
from cms.sections import page_sections
from portal.core import access
from portal.core.pagecache import mark_shared
from portal.core.tlp import TLP


class SharedContentPage:
    """A page that shows what the reader's grants allow and nothing personal outside the
    layout's personal parts, so readers with the same grants may share it (pagecache).
    ``personal_for_members``: signed-in readers see something of their own on it."""

    personal_for_members = False

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        personal = self.personal_for_members and request.user.is_authenticated
        # Wagtail's own privacy (groups, passwords) is no part of the grants: such pages are
        # never shared.
        if not personal and not self.get_view_restrictions().exists():
            mark_shared(response)
        return response


# Which recipient field each label reads (portal.core.access.grants).
RECIPIENT_FIELDS = {
    "recipient_organisations": {TLP.AMBER},
    "recipient_groups": {TLP.AMBER},
    "recipient_users": {TLP.RED},
}


class ItemPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.core.organisations.models import Organisation, SharingGroup

        # Recipients come from the community: approved organisations and their active members,
        # and the sharing groups of the item's own organisation.
        if "recipient_organisations" in self.fields:
            self.fields["recipient_organisations"].queryset = Organisation.objects.approved()
        if "recipient_users" in self.fields:
            self.fields["recipient_users"].queryset = eligible_recipients()
            self.fields["recipient_users"].error_messages["invalid_pk_value"] = (
                "“%(pk)s” is not the email address of a member of an approved organisation.")
        if "recipient_groups" in self.fields:
            organisation = self._source_organisation()
            self.fields["recipient_groups"].queryset = SharingGroup.objects.filter(
                owner=organisation).order_by("name")
            if organisation is not None:
                self.fields["recipient_groups"].help_text += (
                    " Your organisation's editors manage them at "
                    f"{reverse('sharing-groups', args=[organisation.slug])}.")

    def _source_organisation(self):
        if self.instance.source_organisation_id:
            return self.instance.source_organisation
        parent = getattr(self, "parent_page", None)
        return getattr(getattr(parent, "specific", None), "organisation", None)

    def clean(self):
        cleaned = super().clean()
        label = cleaned.get("tlp")
        if label == TLP.RED and not cleaned.get("recipient_users"):
            self.add_error("recipient_users", "TLP:RED needs at least one named recipient.")
        if len(cleaned.get("recipient_users") or ()) > MAX_RECIPIENTS:
            self.add_error("recipient_users", f"TLP:RED is for a few named people: at most "
                                              f"{MAX_RECIPIENTS}. Share wider with TLP:AMBER.")
        # Recipients the chosen label does not use are dropped, so a label changed back and
        # forth never leaves a hidden audience behind (the editor hides them with scripts on).
        for name, used_by in RECIPIENT_FIELDS.items():
            if name in cleaned and label not in used_by:
                cleaned[name] = self.fields[name].queryset.none()
        if cleaned.get("change_is_major") and not cleaned.get("change_note", "").strip():
            self.add_error("change_note", "Say what changed: followers are told of a major "
                                          "change, and it shows in the item's history.")
        # Saving, previewing and submitting all validate this form: refuse references to
        # pages and documents the editor may not use.
        for message in refused_references(self.for_user, references_in_values(
                self._meta.model, cleaned, self._attached_documents())):
            self.add_error(None, message)
        return cleaned

    def _attached_documents(self):
        formset = self.formsets.get("attachments")
        if formset is None or not formset.is_valid():
            return []
        return [form.cleaned_data.get("document") for form in formset.forms
                if form.cleaned_data and not formset._should_delete_form(form)]


class ItemPage(FourEyesPublishing, SharedContentPage, Page):
    """The shared base of every item: who published it, what it is about and who may see it.

    Never created directly. Items live under their source organisation's page, and the source
    organisation is always taken from there, so an editor cannot publish in another's name.
    """

    summary = models.TextField(max_length=600, help_text="One or two sentences for listings.")
    source_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="items",
        editable=False, null=True,
    )
    topics = ParentalManyToManyField("cms.Topic", related_name="items", blank=True)
    audiences = ParentalManyToManyField("cms.Audience", related_name="items", blank=True)
    last_reviewed = models.DateField(null=True, blank=True)
    tlp = models.CharField(
        "TLP label", max_length=12, choices=TLP.choices, default=TLP.GREEN, db_index=True,
        help_text="Who may see this item, under the Traffic Light Protocol 2.0.",
    )
    recipient_organisations = ParentalManyToManyField(
        "organisations.Organisation", related_name="+", blank=True,
        help_text="TLP:AMBER only: organisations that may see it besides the source.",
    )
    recipient_users = ParentalManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True,
        help_text="TLP:RED only: the individuals who may see it.",
    )
    recipient_groups = ParentalManyToManyField(
        "organisations.SharingGroup", related_name="items", blank=True,
        verbose_name="sharing groups",
        help_text="TLP:AMBER only: your organisation's sharing groups. Their organisations may "
                  "see it, as the groups are when it is read.",
    )
    # Written with an edit, recorded as a ChangeNote when that revision is published, then
    # cleared (cms.following). Kept on the page so it travels with the revision.
    change_note = models.CharField(
        max_length=300, blank=True,
        help_text="What this publication changes, in a sentence readers understand. Not used "
                  "for the first publication.",
    )
    change_is_major = models.BooleanField(
        "major change", default=False,
        help_text="Major changes show in the item's history and reach the people who follow "
                  "it; minor ones stay in the editor's history.",
    )

    is_creatable = False
    base_form_class = ItemPageForm
    parent_page_types = ["cms.OrganisationPage"]
    subpage_types: list[str] = []
    type_name = "Item"
    type_slug = "item"

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.FilterField("tlp"),
        index.FilterField("source_organisation"),
    ]

    # recipient_fields.js shows each recipient field only for the labels that use it
    # (data-tlp-for); without scripts all show, and ItemPageForm clears the unused ones.
    access_panels = [
        FieldPanel("tlp", attrs={"data-tlp-field": ""}),
        FieldPanel("recipient_organisations", widget=forms.CheckboxSelectMultiple,
                   attrs={"data-tlp-for": TLP.AMBER}),
        FieldPanel("recipient_groups", widget=forms.CheckboxSelectMultiple,
                   attrs={"data-tlp-for": TLP.AMBER}),
        FieldPanel("recipient_users", widget=RecipientUsersWidget,
                   attrs={"data-tlp-for": TLP.RED}),
    ]
    about_panels = [
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
        FieldPanel("last_reviewed"),
        InlinePanel("attachments", label="Attachments"),
    ]
    change_panels = [FieldPanel("change_note"), FieldPanel("change_is_major")]

    class Meta:
        indexes = [models.Index(fields=["tlp", "source_organisation"])]

    def save(self, *args, **kwargs):
        self.source_organisation = self._organisation_from_tree() or self.source_organisation
        super().save(*args, **kwargs)

    def _organisation_from_tree(self):
        if not self.path:
            return None
        from cms.models.pages import OrganisationPage

        parent = OrganisationPage.objects.ancestor_of(self).select_related("organisation").last()
        return parent.organisation if parent else None

    def four_eyes_organisation_id(self):
        return self.source_organisation_id

    # The access policy's view of this item.
    def access_values(self, field_name: str) -> set[int]:
        if field_name == access.SOURCE_ORG:
            return {self.source_organisation_id}
        if field_name == access.OWNER:
            return {self.owner_id} if self.owner_id else set()
        return {obj.pk for obj in getattr(self, field_name).all()}

    def get_admin_display_title(self):
        # A draft's title is the source's unpublished work: only its editors see it.
        from cms.admin_visibility import may_edit_page
        from cms.rendering import reader

        if self.draft_title and self.draft_title != self.title and not may_edit_page(
                reader(), self):
            return self.title
        return super().get_admin_display_title()

    @property
    def tlp_label(self) -> TLP:
        return TLP(self.tlp)

    def shared_with(self) -> dict:
        """Who the item is shared with, for its readers (docs/access.md, "Shared with"):
        organisations and sharing groups (with their organisations now) for TLP:AMBER, the
        named people for TLP:RED. Only people who may see the item see the page, and every
        reader of a RED item is named on it (the page is cached per reader's grants)."""
        from portal.core.organisations.models import Organisation

        if self.tlp == TLP.AMBER:
            approved = Organisation.objects.approved().order_by("name")
            return {
                "organisations": [o.name for o in self.recipient_organisations.filter(
                    pk__in=approved.values("pk")).order_by("name")],
                "groups": [(group.name, [o.name for o in group.members])
                           for group in self.recipient_groups.order_by("name").prefetch_related(
                               models.Prefetch("organisations", queryset=approved,
                                               to_attr="members"))],
            }
        if self.tlp == TLP.RED:
            from cms.recipients import describe

            return {"people": describe(self.recipient_users.order_by(
                "last_name", "first_name", "email"))}
        return {}

    def serve(self, request, *args, **kwargs):
        if not item_policy.can_view(access.principal_for(request), self):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise Http404
        return super().serve(request, *args, **kwargs)

    def publish(self, revision, user=None, *args, **kwargs):
        # Checked again for whoever publishes (an approver, or a scheduled revision's author):
        # a page never goes live with a reference its publisher may not make.
        from wagtail.actions.publish_revision import PublishPermissionError

        # An approver from outside the organisation (a portal moderator, four eyes) is checked
        # as the revision's author, whose organisation the references belong to.
        from cms.admin_visibility import may_edit_page

        checked = user or revision.user
        if user is not None and revision.user is not None and not may_edit_page(user, self):
            checked = revision.user
        refused = refused_references(checked,
                                     references_in_page(revision.as_object()))
        if refused:
            raise PublishPermissionError(" ".join(refused))
        return super().publish(revision, user, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from cms.models.pages import TopicIndexPage
        from cms.rendering import readable_documents

        context = super().get_context(request, *args, **kwargs)
        attachments = list(self.attachments.select_related("document"))
        readable = {d.pk for d in readable_documents([a.document for a in attachments])}
        context["attachments"] = [a for a in attachments if a.document_id in readable]
        # Lazy: read only when the shared fragment is rendered, not when it comes from cache.
        context["major_changes"] = self.change_notes.filter(major=True).only(
            "note", "published_at") if self.pk else []
        context["topic_index_url"] = SimpleLazyObject(
            lambda: getattr(TopicIndexPage.objects.live().first(), "url", "") or "")
        return context

    def get_sitemap_urls(self, request=None):
        return []  # the portal's sitemap decides (see cms.sitemaps)


class ItemAttachment(Orderable):
    item = ParentalKey(ItemPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("caption")]


def _item_edit_handler(content_panels):
    return TabbedInterface([
        ObjectList(content_panels, heading="Content"),
        ObjectList(ItemPage.about_panels, heading="About"),
        ObjectList(ItemPage.access_panels, heading="Access (TLP)"),
        ObjectList(ItemPage.change_panels, heading="Change note"),
        ObjectList(Page.promote_panels, heading="Promote"),
    ])


class GuidancePage(ItemPage):
    body = StreamField(BodyBlock())

    type_name = "Guidance"
    type_slug = "guidance"
    template = "cms/item_page.html"
    search_fields = ItemPage.search_fields + [index.SearchField("body")]
    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    edit_handler = _item_edit_handler(content_panels)

    class Meta:
        verbose_name = "guidance"
        verbose_name_plural = "guidance"


class CaseStudyPage(ItemPage):
    sector = models.CharField(max_length=120, blank=True)
    body = StreamField(BodyBlock())
    lessons = StreamField(BodyBlock(), blank=True, verbose_name="lessons learned")

    type_name = "Case study"
    type_slug = "case-studies"
    template = "cms/item_page.html"
    search_fields = ItemPage.search_fields + [
        index.SearchField("body"), index.SearchField("lessons"),
    ]
    content_panels = Page.content_panels + [
        FieldPanel("summary"), FieldPanel("sector"), FieldPanel("body"), FieldPanel("lessons"),
    ]
    edit_handler = _item_edit_handler(content_panels)

    class Meta:
        verbose_name = "case study"
        verbose_name_plural = "case studies"


class StandardStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONSULTATION = "consultation", "Out for consultation"
    ADOPTED = "adopted", "Adopted"
    SUPERSEDED = "superseded", "Superseded"


class StandardPage(ItemPage):
    """A shared standard: a code of practice with numbered clauses."""

    version = models.CharField(max_length=20, default="1.0")
    status = models.CharField(
        max_length=12, choices=StandardStatus.choices, default=StandardStatus.DRAFT
    )
    introduction = StreamField(BodyBlock(), blank=True)
    clauses = StreamField([("clause", ClauseBlock())])

    type_name = "Shared standard"
    type_slug = "standards"
    template = "cms/item_page.html"
    search_fields = ItemPage.search_fields + [
        index.SearchField("introduction"), index.SearchField("clauses"),
        index.FilterField("status"),
    ]
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("version"), FieldPanel("status")]),
        FieldPanel("introduction"),
        FieldPanel("clauses"),
    ]
    edit_handler = _item_edit_handler(content_panels)

    class Meta:
        verbose_name = "shared standard"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["page_sections"] = page_sections(request, self)
        return context


class Difficulty(models.TextChoices):
    INTRODUCTORY = "introductory", "Introductory"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class ScenarioPage(ItemPage):
    """A training scenario: a tabletop exercise for staff, step by step."""

    duration_minutes = models.PositiveIntegerField(default=60)
    difficulty = models.CharField(
        max_length=12, choices=Difficulty.choices, default=Difficulty.INTRODUCTORY
    )
    participants = models.CharField(max_length=200, blank=True,
                                    help_text="Who should take part, for example legal, sales.")
    objectives = StreamField(BodyBlock(), blank=True, verbose_name="learning objectives")
    injects = StreamField([("inject", InjectBlock())], verbose_name="exercise steps")

    type_name = "Training scenario"
    type_slug = "scenarios"
    template = "cms/item_page.html"
    search_fields = ItemPage.search_fields + [
        index.SearchField("objectives"), index.SearchField("injects"),
    ]
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("duration_minutes"), FieldPanel("difficulty")]),
            FieldPanel("participants"),
        ], heading="Exercise"),
        FieldPanel("objectives"),
        FieldPanel("injects"),
    ]
    edit_handler = _item_edit_handler(content_panels)

    class Meta:
        verbose_name = "training scenario"


ITEM_TYPES = [GuidancePage, CaseStudyPage, StandardPage, ScenarioPage]
# The item types by the slug URLs, the API, subscriptions and the index use.
ITEM_TYPES_BY_SLUG = {cls.type_slug: cls for cls in ITEM_TYPES}


def type_name_of(slug: str) -> str:
    """The readable name of an item type's slug (the slug itself if no type has it)."""
    cls = ITEM_TYPES_BY_SLUG.get(slug)
    return cls.type_name if cls else slug
