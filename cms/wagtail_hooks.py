from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import Http404
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.forms.models import register_form_field_override
from wagtail.models import AbstractPage, Page
from wagtail.permissions import register_permission_policy

from cms.admin_visibility import EditorPagePermissionPolicy, admin_visible_pages
from cms.downloads import can_download
from cms.following import CHANGE_NOTE_ACTION
from cms.item_listing import ItemListingViewSet
from cms.rendering import ReaderDocumentLinkHandler, ReaderPageLinkHandler
from portal.core.ids import IdMultipleChoiceField

# Every admin view that asks Wagtail which pages an editor may explore gets the editor's rule.
register_permission_policy(AbstractPage, EditorPagePermissionPolicy(Page))

# Many-to-many fields in every editor form refuse a value no row can have as an invalid
# choice, before a database fails on it (SQLite cannot take integers beyond 64 bits).
register_form_field_override(models.ManyToManyField,
                             override={"form_class": IdMultipleChoiceField})


@hooks.register("before_serve_document")
def check_document_access(document, request):
    if not can_download(request, document):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    return None


@hooks.register("construct_explorer_page_queryset")
def hide_restricted_in_explorer(parent_page, pages, request):
    return admin_visible_pages(pages, request.user)


@hooks.register("construct_page_chooser_queryset")
def hide_restricted_in_chooser(pages, request):
    return admin_visible_pages(pages, request.user)


# After Wagtail's own link types (order), so these replace them.
@hooks.register("register_rich_text_features", order=100)
def resolve_links_for_the_reader(features):
    features.register_link_type(ReaderPageLinkHandler)
    features.register_link_type(ReaderDocumentLinkHandler)


@hooks.register("register_admin_viewset")
def register_item_listing():
    return ItemListingViewSet()


@hooks.register("insert_global_admin_js")
def name_the_admin_search_landmarks():
    return format_html('<script src="{}" defer></script>', static("cms/admin-landmarks.js"))


# Sharing that scales: the TLP:RED recipient search, and recipient fields that follow the label.
@hooks.register("register_admin_urls")
def recipient_search_url():
    from django.urls import path

    from cms.recipients import search_people

    return [path("recipients/people/", search_people, name="cms_recipient_search")]


@hooks.register("insert_editor_js")
def recipient_fields_js():
    return format_html('<script src="{}"></script>', static("cms/js/recipient_fields.js"))


@hooks.register("register_log_actions")
def register_change_note_action(actions):
    from wagtail.log_actions import LogFormatter

    @actions.register_action(CHANGE_NOTE_ACTION)
    class ChangeNoteFormatter(LogFormatter):
        """A publication's change note in the page's history, where editors see minor ones."""

        label = "Change note"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            degree = "Major" if data.get("major") else "Minor"
            return f"{degree} change: {data.get('note', '')}"
