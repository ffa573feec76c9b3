from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from portal.core.audit.models import Kind
from portal.core.audit.recording import record
from portal.core.organisations.models import Organisation


class OrganisationEditView(generic.EditView):
    def save_instance(self):
        previous = Organisation.objects.values_list("status", flat=True).get(pk=self.object.pk)
        instance = super().save_instance()
        if instance.status != previous:
            record(Kind.ORGANISATION_STATUS, request=self.request, organisation=instance,
                   target=instance.slug, previous=previous, new=instance.status)
        return instance


class OrganisationViewSet(ModelViewSet):
    """Portal moderators review, approve and suspend organisations here."""

    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    add_to_admin_menu = True
    edit_view_class = OrganisationEditView
    form_fields = ["name", "slug", "kind", "size_band", "website", "description", "status",
                   "four_eyes"]
    list_display = ["name", "kind", "size_band", "status", "created_at"]
    list_filter = ["status", "kind", "size_band"]
    search_fields = ["name", "description"]
    ordering = ["status", "name"]


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return OrganisationViewSet("organisations")
