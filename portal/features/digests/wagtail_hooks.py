from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from cms.admin_gate import decide_namespace, no_items
from portal.features.digests import failures, resending
from portal.features.digests.models import Delivery, DeliveryStatus, DigestRun


class DigestRunIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().with_progress()


class DigestRunViewSet(ModelViewSet):
    """Moderators follow each run: its deliveries by state, and when it should be done."""

    model = DigestRun
    icon = "history"
    menu_label = "Runs"
    index_view_class = DigestRunIndexView
    inspect_view_enabled = True
    list_display = [
        "__str__", "status",
        Column("sent", label="Sent"), Column("pending", label="Pending"),
        Column("retrying", label="Retrying"), Column("failed", label="Failed"),
        Column("expected_finish", label="Finished or expected",
               accessor=lambda run: run.expected_finish()),
        "deadline", "paused_until",
    ]
    list_filter = ["frequency", "status"]
    form_fields = ["deadline"]  # a superuser may extend a run that needs longer


class ResendColumn(Column):
    """A failed delivery's Resend button, a POST form in its row."""

    cell_template_name = "digests/admin/resend_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        if instance.status == DeliveryStatus.FAILED:
            context["resend_url"] = reverse("digest-deliveries:resend", args=[instance.pk])
            context["csrf_token"] = get_token(parent_context["request"])
        return context


class DeliveryIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("run", "user")


class DeliveryInspectView(InspectView):
    """The recipient by email, the server's reply in words, and Resend for a failed one."""

    template_name = "digests/admin/delivery_inspect.html"
    labels = {"recipient": "Recipient"}

    def get_field_label(self, field_name, field):
        return self.labels.get(field_name) or super().get_field_label(field_name, field)

    def get_recipient_display_value(self):
        return self.object.user.email

    def get_error_display_value(self):
        return failures.readable(self.object.error)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.status == DeliveryStatus.FAILED:
            context["resend_url"] = reverse("digest-deliveries:resend", args=[self.object.pk])
        return context


class DeliveryViewSet(ModelViewSet):
    """Moderators see digest deliveries, failures included, with the error each one got, and
    may send a failed one again."""

    model = Delivery
    icon = "mail"
    menu_label = "Deliveries"
    inspect_view_enabled = True
    index_view_class = DeliveryIndexView
    inspect_view_class = DeliveryInspectView
    # Not the items or the subject line: they name what the subscriber was sent, which the
    # moderator may not see.
    inspect_view_fields = ["run", "recipient", "status", "attempts", "next_attempt_at",
                           "sent_at", "error", "resends", "resent_at", "resent_by"]
    list_display = [
        "run", Column("recipient", label="Recipient", accessor="user.email"), "status",
        "attempts", "next_attempt_at", "sent_at",
        Column("error", label="Error", accessor=lambda d: failures.readable(d.error)),
        ResendColumn("resend", label="Resend"),
    ]
    list_filter = ["status", "run__frequency", "run"]
    search_fields = ["user__email", "error"]
    form_fields = ["status"]

    def resend_view(self, request, pk):
        """Whoever may see this screen may resend; repeating it queues nothing more."""
        if not self.permission_policy.user_has_permission(request.user, "view"):
            raise PermissionDenied
        delivery = get_object_or_404(Delivery.objects.select_related("user"), pk=pk)
        if resending.resend(delivery, request.user):
            messages.success(request, f"The digest to {delivery.user.email} is queued again.")
        else:
            delivery.refresh_from_db(fields=["status"])
            messages.warning(request, "Nothing to resend: this delivery is "
                             f"{delivery.get_status_display().lower()}, not failed.")
        return redirect(self.get_url_name("inspect"), pk)

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(),
                path("resend/<int:pk>/", require_POST(self.resend_view), name="resend")]


class DigestViewSetGroup(ViewSetGroup):
    menu_label = "Digests"
    menu_icon = "mail"
    items = [DigestRunViewSet("digest-runs"), DeliveryViewSet("digest-deliveries")]


@hooks.register("register_admin_viewset")
def register_digest_viewsets():
    return DigestViewSetGroup()


decide_namespace("digest-runs", no_items("digest runs: counts and times, no items"))
decide_namespace("digest-deliveries",
                 no_items("deliveries, shown without their items or subject lines"))
