from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from portal.features.digests.models import Delivery


class DeliveryViewSet(ModelViewSet):
    """Moderators see digest deliveries, failures included, with the error each one got."""

    model = Delivery
    icon = "mail"
    menu_label = "Digest deliveries"
    add_to_admin_menu = True
    inspect_view_enabled = True
    # Not the items or the subject line: they name what the subscriber was sent, which the
    # moderator may not see.
    inspect_view_fields = ["run", "user", "status", "attempts", "sent_at", "error"]
    list_display = ["run", "user", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "run__frequency"]
    search_fields = ["user__email", "error"]
    form_fields = ["status"]


@hooks.register("register_admin_viewset")
def register_delivery_viewset():
    return DeliveryViewSet("digest-deliveries")
