"""The security audit trail in the editor: moderators read all of it, an organisation admin
their own organisation's events (portal.core.access.audit_trail_q), with filters and a CSV
export. Nobody can add, change or delete events here."""

from django.utils.html import format_html_join
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.core import access
from portal.core.audit.models import AuditEvent


class AuditPermissionPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action):
        return action == "view" and access.audit_trail_q(user) is not None

    def users_with_any_permission(self, actions):
        raise NotImplementedError("The audit trail's readers are decided per user.")


register_permission_policy(AuditEvent, AuditPermissionPolicy(AuditEvent))


class ChangesColumn(Column):
    def get_value(self, instance):
        return format_html_join("; ", "{}: {}", sorted(instance.changes.items())) or "–"


class AuditIndexView(generic.IndexView):
    def get_base_queryset(self):
        scope = access.audit_trail_q(self.request.user)
        queryset = super().get_base_queryset().select_related("organisation")
        return queryset.filter(scope) if scope is not None else queryset.none()


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    icon = "key"
    menu_label = "Security audit"
    add_to_admin_menu = True
    index_view_class = AuditIndexView
    list_display = ["occurred_at", "kind", "actor_email", "organisation", "target",
                    ChangesColumn("changes", label="What changed"), "ip_address"]
    list_filter = ["kind", "organisation", "occurred_at"]
    search_fields = ["actor_email", "target"]
    list_export = ["occurred_at", "kind", "actor_email", "organisation", "target", "changes",
                   "ip_address"]
    export_filename = "security-audit"
    list_per_page = 50
    # The viewset builds add and edit forms, but the policy allows only "view".
    form_fields = ["kind"]
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditEventViewSet("security-audit")
