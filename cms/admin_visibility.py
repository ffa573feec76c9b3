"""The editor's rule: which pages and documents the Wagtail admin shows a user.

An editor sees what their organisation's editors may edit (the Wagtail permissions on its
subtree and its collection) and everything the access policy lets them see on the site; a
superuser sees everything. Another organisation's restricted items, drafts and documents do
not exist for them: every admin view, chooser, report and API goes through this module (see
``cms.admin_gate`` and ``EditorPagePermissionPolicy``), and answers for them as for a missing id.

Documents belong to the organisation whose collection holds them and carry the access of that
organisation's items that use them (``may_download``). Another organisation's document may be
used only when it is public already: its own organisation shares it in a live TLP:CLEAR item.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry

from cms.access import item_policy
from portal.core import access
from portal.core.ids import as_id

EDIT_ACTIONS = ["add", "change", "publish", "lock", "unlock", "bulk_delete"]
DOCUMENT_ACTIONS = ["add", "change", "choose", "delete"]


# Pages ------------------------------------------------------------------------------------

def editable_pages(user):
    """Pages the user holds any Wagtail permission on (their organisation's subtree)."""
    return PagePermissionPolicy().instances_user_has_any_permission_for(user, EDIT_ACTIONS)


def unpublished_or_denied_q(principal) -> Q:
    """Pages the site does not show ``principal``: drafts, and items the access policy denies.
    Pages that are not items (the site's structure) are shown once live."""
    from cms.models import ItemPage

    denied_items = ItemPage.objects.exclude(item_policy.visible_q(principal))
    return Q(live=False) | Q(pk__in=denied_items.values("pk"))


def hidden_pages_q(user) -> Q:
    """Pages the admin must not show ``user``: neither theirs to edit nor shown to them on
    the site."""
    return (unpublished_or_denied_q(access.principal_for_user(user))
            & ~Q(pk__in=editable_pages(user).values("pk")))


def admin_visible_pages(pages, user):
    """``pages`` cut down to what ``user`` may see (anonymous: live, public pages only)."""
    if user is not None and user.is_superuser:
        return pages
    return pages.exclude(hidden_pages_q(user))


def may_see_page(user, page_id) -> bool:
    """The admin's rule for one page id; a portal moderator also sees a submission while it
    awaits their approval (four eyes, ``cms.four_eyes``)."""
    from cms.four_eyes import pages_awaiting_review_by

    pk = as_id(page_id)
    return pk is not None and (
        admin_visible_pages(Page.objects.filter(pk=pk), user).exists()
        or pk in pages_awaiting_review_by(user))


def may_edit_page(user, page) -> bool:
    return user.is_superuser or editable_pages(user).filter(pk=page.pk).exists()


class EditorPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page policy, with what an editor may explore cut down to what they may see.

    Wagtail asks this policy for the pages to list in the explorer, the page search, the
    admin API, the sidebar, history and log views; none of them then shows a hidden page.
    """

    def explorable_instances(self, user):
        return admin_visible_pages(super().explorable_instances(user), user)


# Documents --------------------------------------------------------------------------------

def document_organisation_id(document) -> int | None:
    """The organisation whose collection holds ``document`` (None: the site's own)."""
    from portal.core.organisations.models import Organisation

    return (Organisation.objects.filter(collection_id=document.collection_id)
            .values_list("pk", flat=True).first())


def pages_using(document):
    """Ids of pages that refer to ``document`` (attachments, blocks, rich-text links)."""
    ids = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(get_document_model()),
        to_object_id=str(document.pk),
        base_content_type=ContentType.objects.get_for_model(Page),
    ).values_list("object_id", flat=True)
    return [int(pk) for pk in ids]


def may_download(principal, document) -> bool:
    """The download rule: the principal may see a live item *of the document's organisation*
    that uses it. Uses by other organisations' pages never widen the audience."""
    from cms.models import ItemPage

    items = ItemPage.objects.live().filter(item_policy.visible_q(principal),
                                           pk__in=pages_using(document))
    organisation_id = document_organisation_id(document)
    if organisation_id is not None:
        items = items.filter(source_organisation_id=organisation_id)
    return items.exists()


def is_public_document(document) -> bool:
    """Already downloadable by everyone: its own organisation uses it in a live TLP:CLEAR item.
    Using such a document elsewhere widens nothing."""
    return may_download(access.ANONYMOUS, document)


def manages_collection(user, document) -> bool:
    if not user.is_active:
        return False
    policy = policy_registry.get_by_type(get_document_model())
    return policy.collections_user_has_any_permission_for(user, DOCUMENT_ACTIONS).filter(
        pk=document.collection_id).exists()


def may_see_document(user, document) -> bool:
    """The admin's rule for one document: managed by the user's organisation, or downloadable
    by them on the site."""
    if user is not None and user.is_authenticated and (
            user.is_superuser or manages_collection(user, document)):
        return True
    return may_download(access.principal_for_user(user), document)


def may_use_document(user, document) -> bool:
    """May ``user`` attach, embed or link ``document``? Their organisation's, or public."""
    return user.is_superuser or manages_collection(user, document) or is_public_document(
        document)
