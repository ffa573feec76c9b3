"""The request-level half of the editor's rule, and one answer for "not found".

- Before any admin view runs, the gate (``cms.admin_gate``) checks the ids the request names;
  one the user may not see gets the very response a missing id gets.
- A 404 raised in the admin or by a document download is answered without the view's message,
  so a restricted document, a wrong filename and a missing id read the same. With DEBUG on,
  every 404 still goes through the portal's handler: the technical page would show which
  addresses exist.
- The request is kept for rendering (``cms.rendering``), which resolves links for its reader.
"""

from django.conf import settings
from django.http import Http404
from django.urls import get_resolver

from cms.admin_gate import decision_for, is_admin_route, may_pass
from cms.rendering import current_request

DOWNLOAD_ROUTES = {"wagtaildocs_serve", "wagtaildocs_authenticate_with_password"}


def not_found(request, exception=None):
    return get_resolver().resolve_error_handler(404)(request, exception or Http404())


class EditorAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        user = request.user
        # Without admin access Wagtail turns the user away before looking anything up.
        if not is_admin_route(match) or not user.has_perm("wagtailadmin.access_admin"):
            return None
        if may_pass(user, decision_for(match), match, request.GET):
            return None
        return not_found(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Http404):
            return None
        match = request.resolver_match
        if is_admin_route(match) or (match and match.url_name in DOWNLOAD_ROUTES):
            return not_found(request)
        if settings.DEBUG:
            return not_found(request, exception)
        return None
