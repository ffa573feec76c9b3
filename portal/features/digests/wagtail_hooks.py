from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from cms.admin_gate import decide_namespace, no_items
from portal.features.digests.models import Delivery, DigestRun


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


class DeliveryViewSet(ModelViewSet):
    """Moderators see digest deliveries, failures included, with the error each one got."""

    model = Delivery
    icon = "mail"
    menu_label = "Deliveries"
    inspect_view_enabled = True
    # Not the items or the subject line: they name what the subscriber was sent, which the
    # moderator may not see.
    inspect_view_fields = ["run", "user", "status", "attempts", "next_attempt_at", "sent_at",
                           "error"]
    list_display = ["run", "user", "status", "attempts", "next_attempt_at", "sent_at", "error"]
    list_filter = ["status", "run__frequency", "run"]
    search_fields = ["user__email", "error"]
    form_fields = ["status"]


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
