"""Every admin route's decision: which of its ids name a page or a document, and who may pass.

Wagtail's admin views look a page or document up by id first and check permissions after, so a
restricted id answers differently from a missing one (a redirect with "permission denied", a
title in a confirmation page, a chooser result). The gate runs before any admin view: an id the
user may not see (``cms.admin_visibility``) answers exactly as a missing id does, with the same
404. Lists of ids in the query string (choosers, bulk actions) are gated the same way.

Every admin URL pattern has a decision here; a route without one is closed to everyone but
superusers, and the test suite fails until it is decided (tests/test_access_matrix.py).
"""

from dataclasses import dataclass, field

PAGE = "page"
DOCUMENT = "document"

# Models whose ids name pages or documents where a route takes "<app_label>/<model_name>".
ITEM_MODELS = {("wagtailcore", "page"): PAGE, ("wagtaildocs", "document"): DOCUMENT}


@dataclass(frozen=True)
class Decision:
    why: str
    ids: dict = field(default_factory=dict)  # URL keyword argument -> PAGE or DOCUMENT
    listed: str | None = None  # the "id" query parameters name items of this kind
    model_ids: str | None = None  # this keyword argument is an id of the model in the URL
    superusers_only: bool = False


def ids(**kinds):
    return Decision("takes the ids of pages or documents", ids=kinds)


def no_items(why):
    return Decision(why)


def filtered(why):
    return Decision(f"lists through the editor's rule: {why}")


def superusers(why):
    return Decision(f"switched off for all but superusers: {why}", superusers_only=True)


PAGE_ID = ids(page_id=PAGE)
PARENT_ID = ids(parent_page_id=PAGE)
DOCUMENT_ID = ids(document_id=DOCUMENT)
NOT_ITEMS = no_items("names no page or document")

# Whole namespaces whose routes name no page or document (their own models' permissions apply).
NAMESPACES = {
    "wagtailadmin_collections": no_items("collections, by Wagtail's collection permissions"),
    "wagtailadmin_workflows": no_items("workflows and tasks, for workflow managers"),
    "wagtailadmin_api:images": no_items("images carry no label"),
    "wagtailimages": no_items("images carry no label"),
    "wagtailimages_chooser": no_items("images carry no label"),
    "wagtailembeds": no_items("external embeds"),
    "wagtailsettings": no_items("site settings, by model permissions"),
    "wagtailsites": no_items("sites, by model permissions"),
    "wagtailusers_users": no_items("users, by model permissions"),
    "wagtailusers_groups": no_items("groups, by model permissions"),
    "wagtailsnippets": no_items("the snippet index"),
    "wagtailsnippets_cms_topic": no_items("topics"),
    "wagtailsnippets_cms_audience": no_items("audiences"),
    "wagtailsnippetchoosers_cms_topic": no_items("topics"),
    "wagtailsnippetchoosers_cms_audience": no_items("audiences"),
    "organisations": no_items("organisations, for portal moderators"),
    "security-audit": no_items("the security audit trail: item ids only, read by the access rule"),
    "items": filtered("the item listing (TLP column and filter), EditorPagePermissionPolicy"),
    "wagtailredirects": superusers("redirects name items' old and new paths"),
}



def decide_namespace(namespace: str, decision: Decision) -> None:
    """For the layers above the CMS: decide their own admin namespaces from their
    ``wagtail_hooks``, so this module names none of them."""
    NAMESPACES[namespace] = decision


# Routes decided one by one: in these namespaces (or none) ids of pages and documents appear.
ROUTES = {
    # The dashboard, accounts and plumbing.
    "wagtailadmin_home": filtered("its panels list pages by the user's permissions"),
    "wagtailadmin_account": NOT_ITEMS,
    "wagtailadmin_logout": NOT_ITEMS,
    "wagtailadmin_login": NOT_ITEMS,
    "admin/login/": no_items("sends every sign-in to the portal's own (allauth's)"),
    "wagtailadmin_password_reset": NOT_ITEMS,
    "wagtailadmin_password_reset_done": NOT_ITEMS,
    "wagtailadmin_password_reset_confirm": NOT_ITEMS,
    "wagtailadmin_password_reset_complete": NOT_ITEMS,
    "wagtailadmin_dismissibles": NOT_ITEMS,
    "wagtailadmin_sprite": NOT_ITEMS,
    "wagtailadmin_javascript_catalog": NOT_ITEMS,
    "wagtailadmin_error_test": NOT_ITEMS,
    "wagtailadmin_block_preview": no_items("renders a block's default value"),
    "admin/test404/": NOT_ITEMS,
    "admin/.*/$": no_items("the admin's own not-found page"),
    "wagtailadmin_tag_autocomplete": superusers("tags are free text of other organisations"),
    "wagtailadmin_tag_model_autocomplete": superusers("tags are free text of other organisations"),
    # The explorer, search and page choosers.
    "wagtailadmin_explore_root": filtered("EditorPagePermissionPolicy"),
    "wagtailadmin_explore": PARENT_ID,
    "wagtailadmin_explore_results": PARENT_ID,
    "wagtailadmin_pages:search": filtered("EditorPagePermissionPolicy"),
    "wagtailadmin_pages:search_results": filtered("EditorPagePermissionPolicy"),
    "wagtailadmin_choose_page": filtered("the page chooser hook"),
    "wagtailadmin_choose_page_search": filtered("the page chooser hook"),
    "wagtailadmin_choose_page_child": PARENT_ID,
    "wagtailadmin_choose_page_chosen_multiple": Decision("names pages in ?id=", listed=PAGE),
    "wagtailadmin_choose_page_external_link": NOT_ITEMS,
    "wagtailadmin_choose_page_email_link": NOT_ITEMS,
    "wagtailadmin_choose_page_phone_link": NOT_ITEMS,
    "wagtailadmin_choose_page_anchor_link": NOT_ITEMS,
    "wagtail_bulk_action": Decision("names pages or documents in ?id=", listed="model"),
    # Pages.
    "wagtailadmin_pages:add": PARENT_ID,
    "wagtailadmin_pages:preview_on_add": PARENT_ID,
    "wagtailadmin_pages:add_subpage": PARENT_ID,
    "wagtailadmin_pages:choose_parent": filtered("parents the user may add to"),
    "wagtailadmin_pages:type_use": filtered("EditorPagePermissionPolicy"),
    "wagtailadmin_pages:type_use_results": filtered("EditorPagePermissionPolicy"),
    "wagtailadmin_pages:usage": PAGE_ID,
    "wagtailadmin_pages:edit": PAGE_ID,
    "wagtailadmin_pages:preview_on_edit": PAGE_ID,
    "wagtailadmin_pages:view_draft": PAGE_ID,
    "wagtailadmin_pages:delete": PAGE_ID,
    "wagtailadmin_pages:unpublish": PAGE_ID,
    "wagtailadmin_pages:convert_alias": PAGE_ID,
    "wagtailadmin_pages:move": ids(page_to_move_id=PAGE),
    "wagtailadmin_pages:move_confirm": ids(page_to_move_id=PAGE, destination_id=PAGE),
    "wagtailadmin_pages:set_page_position": ids(page_to_move_id=PAGE),
    "wagtailadmin_pages:copy": PAGE_ID,
    "wagtailadmin_pages:workflow_action": PAGE_ID,
    "wagtailadmin_pages:collect_workflow_action_data": PAGE_ID,
    "wagtailadmin_pages:confirm_workflow_cancellation": PAGE_ID,
    "wagtailadmin_pages:workflow_preview": PAGE_ID,
    "wagtailadmin_pages:set_privacy": PAGE_ID,
    "wagtailadmin_pages:lock": PAGE_ID,
    "wagtailadmin_pages:unlock": PAGE_ID,
    "wagtailadmin_pages:revisions_index": PAGE_ID,
    "wagtailadmin_pages:revisions_view": PAGE_ID,
    "wagtailadmin_pages:revisions_revert": PAGE_ID,
    "wagtailadmin_pages:revisions_unschedule": PAGE_ID,
    "wagtailadmin_pages:revisions_compare": ids(pk=PAGE),
    "wagtailadmin_pages:workflow_history": PAGE_ID,
    "wagtailadmin_pages:workflow_history_detail": PAGE_ID,
    "wagtailadmin_pages:history": PAGE_ID,
    "wagtailadmin_pages:history_results": PAGE_ID,
    "wagtailadmin_workflows:remove": ids(page_pk=PAGE),
    "wagtailadmin_editing_sessions:ping": Decision("an object of the model in the URL",
                                                   model_ids="object_id"),
    "wagtailadmin_editing_sessions:release": no_items("the user's own editing session"),
    "wagtailforms:index": filtered("form pages the user may edit"),
    "wagtailforms:index_results": filtered("form pages the user may edit"),
    "wagtailforms:list_submissions": PAGE_ID,
    "wagtailforms:list_submissions_results": PAGE_ID,
    "wagtailforms:delete_submissions": PAGE_ID,
    # Reports.
    "wagtailadmin_reports:locked_pages": filtered("pages the user may unlock"),
    "wagtailadmin_reports:locked_pages_results": filtered("pages the user may unlock"),
    "wagtailadmin_reports:workflow": filtered("pages the user may publish or edit"),
    "wagtailadmin_reports:workflow_results": filtered("pages the user may publish or edit"),
    "wagtailadmin_reports:workflow_tasks": filtered("pages the user may publish or edit"),
    "wagtailadmin_reports:workflow_tasks_results": filtered("pages the user may publish or edit"),
    "wagtailadmin_reports:site_history": filtered("log entries of explorable pages"),
    "wagtailadmin_reports:site_history_results": filtered("log entries of explorable pages"),
    "wagtailadmin_reports:aging_pages": filtered("pages the user may publish"),
    "wagtailadmin_reports:aging_pages_results": filtered("pages the user may publish"),
    "wagtailadmin_reports:page_types_usage": superusers("counts and titles across the site"),
    "wagtailadmin_reports:page_types_usage_results": superusers(
        "counts and titles across the site"),
    # The admin API.
    "wagtailadmin_api:pages:listing": filtered("EditorPagePermissionPolicy"),
    "wagtailadmin_api:pages:find": filtered("EditorPagePermissionPolicy"),
    "wagtailadmin_api:pages:detail": ids(pk=PAGE),
    "wagtailadmin_api:pages:action": ids(pk=PAGE),
    "wagtailadmin_api:documents:listing": superusers("lists every document; the admin's own "
                                                     "screens do not use it"),
    "wagtailadmin_api:documents:find": superusers("as the documents listing"),
    "wagtailadmin_api:documents:detail": superusers("as the documents listing"),
    # Documents.
    "wagtaildocs:index": filtered("collections the user manages"),
    "wagtaildocs:index_results": filtered("collections the user manages"),
    "wagtaildocs:add": NOT_ITEMS,
    "wagtaildocs:add_multiple": NOT_ITEMS,
    "wagtaildocs:edit": DOCUMENT_ID,
    "wagtaildocs:delete": DOCUMENT_ID,
    "wagtaildocs:document_usage": DOCUMENT_ID,
    "wagtaildocs:edit_multiple": ids(doc_id=DOCUMENT),
    "wagtaildocs:delete_multiple": ids(doc_id=DOCUMENT),
    "wagtaildocs:create_multiple_from_uploaded_document": no_items("the user's own upload"),
    "wagtaildocs:delete_upload_multiple": no_items("the user's own upload"),
    "wagtaildocs_chooser:choose": filtered("collections the user may choose from"),
    "wagtaildocs_chooser:choose_results": filtered("collections the user may choose from"),
    "wagtaildocs_chooser:chosen": ids(pk=DOCUMENT),
    "wagtaildocs_chooser:chosen_multiple": Decision("names documents in ?id=", listed=DOCUMENT),
    "wagtaildocs_chooser:create": NOT_ITEMS,
    # Sharing: people to name on a TLP:RED item, for editors only (cms.recipients).
    "cms_recipient_search": no_items("people, for editors: 2 characters or more, 20 matches"),
}

# Usage views of other models list the pages that refer to an object: titles and counts.
USAGE_OFF = superusers("lists the pages that refer to the object")


def is_admin_route(match) -> bool:
    from django.urls import reverse

    return match is not None and ("/" + match.route).startswith(reverse("wagtailadmin_home"))


def route_key(match) -> str:
    """How a resolved admin route is named in the tables above."""
    return match.view_name if match.url_name else match.route


def decision_for(match) -> Decision | None:
    key = route_key(match)
    if key in ROUTES:
        return ROUTES[key]
    namespace = ":".join(match.namespaces)
    if namespace in NAMESPACES:
        if match.url_name in ("usage", "usage_results"):
            return USAGE_OFF
        return NAMESPACES[namespace]
    return None


def item_kind(app_label, model_name):
    return ITEM_MODELS.get((str(app_label).lower(), str(model_name).lower()))


def gated_ids(decision: Decision, match, query) -> list[tuple[str, str]]:
    """The (kind, id) pairs that the request names and the user must be allowed to see."""
    found = [(kind, match.kwargs.get(name)) for name, kind in decision.ids.items()
             if name in match.kwargs]
    kind = None
    if decision.model_ids:
        kind = item_kind(match.kwargs.get("app_label"), match.kwargs.get("model_name"))
        if kind:
            found.append((kind, match.kwargs.get(decision.model_ids)))
    if decision.listed:
        kind = decision.listed
        if kind == "model":
            kind = item_kind(match.kwargs.get("app_label"), match.kwargs.get("model_name"))
        if kind:
            found += [(kind, value) for value in query.getlist("id")]
            if kind == PAGE and "childOf" in query:
                found.append((PAGE, query.get("childOf")))
    return found


def may_pass(user, decision: Decision | None, match, query) -> bool:
    """May ``user`` reach the view? False answers as a missing id would."""
    if user.is_superuser:
        return True
    if decision is None or decision.superusers_only:
        return False
    return all(_may_see(user, kind, value) for kind, value in gated_ids(decision, match, query))


def _may_see(user, kind, value) -> bool:
    from wagtail.documents import get_document_model

    from cms.admin_visibility import may_see_document, may_see_page
    from portal.core.ids import as_id

    pk = as_id(value)
    if pk is None:
        return False  # "all" in a bulk action, or nonsense: only superusers act on everything
    if kind == PAGE:
        return may_see_page(user, pk)
    document = get_document_model().objects.filter(pk=pk).first()
    return document is not None and may_see_document(user, document)
