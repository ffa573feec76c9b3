from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from portal.core.organisations.models import Organisation


class OrganisationViewSet(ModelViewSet):
    """Portal moderators review, approve and suspend organisations here."""

    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    add_to_admin_menu = True
    form_fields = ["name", "slug", "kind", "size_band", "website", "description", "status"]
    list_display = ["name", "kind", "size_band", "status", "created_at"]
    list_filter = ["status", "kind", "size_band"]
    search_fields = ["name", "description"]
    ordering = ["status", "name"]


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return OrganisationViewSet("organisations")
