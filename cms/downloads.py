"""Who may download a document: whoever may see an item that uses it.

Documents have no label of their own. A document is served when at least one live item the
principal may see refers to it (as an attachment or from its body, per Wagtail's reference
index), or when the user may manage it in the admin.
"""

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry

from cms.access import item_policy
from portal.core import access


def items_using(document):
    """Ids of pages that refer to ``document``."""
    return ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(document),
        to_object_id=str(document.pk),
        base_content_type=ContentType.objects.get_for_model(Page),
    ).values_list("object_id", flat=True)


def can_download(request, document) -> bool:
    from cms.models import ItemPage

    page_ids = [int(pk) for pk in items_using(document)]
    if ItemPage.objects.live().filter(
        item_policy.visible_q(access.principal_for(request)), pk__in=page_ids
    ).exists():
        return True
    user = request.user
    policy = policy_registry.get_by_type(type(document))
    return user.is_authenticated and policy.user_has_permission_for_instance(
        user, "change", document
    )
