from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from wagtail import hooks

from cms.admin_visibility import admin_visible_pages
from cms.downloads import can_download


@hooks.register("before_serve_document")
def check_document_access(document, request):
    if not can_download(request, document):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404("There is nothing at this address, or you may not see it.")
    return None


@hooks.register("construct_explorer_page_queryset")
def hide_restricted_in_explorer(parent_page, pages, request):
    return admin_visible_pages(pages, request.user)


@hooks.register("construct_page_chooser_queryset")
def hide_restricted_in_chooser(pages, request):
    return admin_visible_pages(pages, request.user)


