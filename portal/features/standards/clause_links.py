"""The clause chooser on items: editors link guidance, case studies and scenarios to the
clauses they help meet. The CMS knows nothing of it; this module adds a tab to those items'
editors when the app is ready, and the chooser lists only clauses of standards the editor
may see (through the item policy)."""

from django.db.models import Q
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList

from cms.access import item_policy
from portal.core.access import principal_for_user
from portal.features.standards.models import Clause, ClauseLink


class ClauseLinkForm(WagtailAdminModelForm):
    class Meta:
        model = ClauseLink
        fields = ["clause", "primary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from cms.models import StandardPage

        standards = item_policy.visible(principal_for_user(self.for_user),
                                        StandardPage.objects.live())
        # The clause already linked stays selectable, so the item can still be saved.
        linked = Q(pk=self.instance.clause_id) if self.instance.clause_id else Q(pk__in=[])
        self.fields["clause"].queryset = (
            Clause.objects.filter(Q(current=True, standard__in=standards.values("pk")) | linked)
            .select_related("standard").order_by("standard__title", "position"))


class ClauseLinkPanel(InlinePanel):
    """An inline panel whose forms know the editor, to narrow the chooser."""

    def get_form_options(self):
        options = super().get_form_options()
        formset = options["formsets"][self.relation_name]
        formset["form"] = ClauseLinkForm
        formset["inherit_kwargs"] = ["for_user"]
        return options


def add_panels():
    from cms.models import CaseStudyPage, GuidancePage, ScenarioPage

    for cls in (GuidancePage, CaseStudyPage, ScenarioPage):
        if any(getattr(tab, "heading", "") == "Standards" for tab in cls.edit_handler.children):
            continue
        cls.edit_handler.children.append(ObjectList([ClauseLinkPanel(
            "clause_links", panels=[FieldPanel("clause"), FieldPanel("primary")],
            label="Clause this item helps meet")], heading="Standards"))
