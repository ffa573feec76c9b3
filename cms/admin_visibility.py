"""What the Wagtail admin lists to an editor: never another organisation's restricted items.

Wagtail's explorer, page chooser and search know nothing of TLP. An editor sees an item in the
admin when the access policy lets them see it on the site, or when they may edit it.
"""

from wagtail.permission_policies.pages import PagePermissionPolicy

from cms.access import item_policy
from portal.core import access


def admin_visible_pages(pages, user):
    if user.is_superuser:
        return pages
    from cms.models import ItemPage

    principal = access.principal_for_user(user)
    editable = PagePermissionPolicy().instances_user_has_any_permission_for(
        user, ["add", "change", "publish"]
    )
    hidden_items = ItemPage.objects.exclude(item_policy.visible_q(principal)).exclude(
        pk__in=editable.values("pk")
    )
    return pages.exclude(pk__in=hidden_items.values("pk"))
