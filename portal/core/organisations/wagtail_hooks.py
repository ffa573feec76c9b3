from django.db.models import Count, Q
from django.forms import modelform_factory
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.components import Component
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from portal.core.accounts.moderators import is_moderator
from portal.core.audit.models import Kind
from portal.core.audit.recording import record
from portal.core.organisations import vetting
from portal.core.organisations.models import (
    REASON_REQUIRED,
    JoinRequestStatus,
    Organisation,
    OrganisationStatus,
    Role,
)


class OrganisationModerationForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if (status in REASON_REQUIRED
                and not (cleaned.get("decision_reason") or "").strip()):
            self.add_error("decision_reason", (
                "Give the reason for rejecting: the person who registered the organisation is "
                "told it." if status == OrganisationStatus.REJECTED else
                "Give the reason for suspending: the organisation's members are told it."))
        return cleaned


class OrganisationEditView(generic.EditView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["vetting"] = vetting.review(self.object)
        return context

    def save_instance(self):
        previous, four_eyes_before = Organisation.objects.values_list(
            "status", "four_eyes").get(pk=self.object.pk)
        instance = self.form.instance
        changed = instance.status != previous
        if changed and instance.status == OrganisationStatus.APPROVED:
            instance.approved_at, instance.approved_by = timezone.now(), self.request.user
        if instance.status not in REASON_REQUIRED:
            instance.decision_reason = ""
        instance = super().save_instance()
        if changed:
            reason = ({"reason": instance.decision_reason}
                      if instance.status in REASON_REQUIRED else {})
            record(Kind.ORGANISATION_STATUS, request=self.request, organisation=instance,
                   target=instance.slug, previous=previous, new=instance.status, **reason)
            vetting.announce_decision(instance, previous)
        if instance.four_eyes != four_eyes_before:
            record(Kind.FOUR_EYES_CHANGED, request=self.request, organisation=instance,
                   target=instance.slug, previous=four_eyes_before, new=instance.four_eyes)
        return instance


class OrganisationViewSet(ModelViewSet):
    """Portal moderators vet, approve, reject and suspend organisations here."""

    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    add_to_admin_menu = True
    edit_view_class = OrganisationEditView
    edit_template_name = "organisations/admin/edit.html"
    form_fields = ["status", "decision_reason", "name", "slug", "organisation_type",
                   "size_band", "website", "description", "four_eyes"]
    list_display = ["name", "organisation_type", "size_band", "status", "requested_by",
                    "created_at"]
    list_filter = ["status", "organisation_type", "size_band"]
    search_fields = ["name", "description"]
    ordering = ["status", "name"]

    def get_form_class(self, for_update=False):
        return modelform_factory(self.model, form=OrganisationModerationForm,
                                 formfield_callback=self.formfield_for_dbfield,
                                 fields=self.form_fields)


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return OrganisationViewSet("organisations")


class PendingCountsPanel(Component):
    """On the admin's dashboard: what waits for this person, with a link to it."""

    name = "pending_counts"
    template_name = "organisations/admin/pending_counts.html"
    order = 50

    def __init__(self, rows):
        self.rows = rows

    def get_context_data(self, parent_context=None):
        return {"rows": self.rows}


def pending_rows(user) -> list[dict]:
    rows = []
    if is_moderator(user):
        rows.append({"count": vetting.pending_count(), "one": "organisation awaits vetting",
                     "many": "organisations await vetting",
                     "url": reverse("organisations:index") + "?status=pending"})
    administered = Organisation.objects.approved().filter(
        memberships__user=user, memberships__role=Role.ADMIN,
    ).annotate(waiting=Count("join_requests",
                             filter=Q(join_requests__status=JoinRequestStatus.PENDING)))
    for organisation in administered:
        rows.append({"count": organisation.waiting, "one": f"request to join {organisation}",
                     "many": f"requests to join {organisation}",
                     "url": reverse("manage-members", args=[organisation.slug])})
    return rows


@hooks.register("construct_homepage_panels")
def add_pending_counts(request, panels):
    rows = pending_rows(request.user)
    if rows:
        panels.append(PendingCountsPanel(rows))
