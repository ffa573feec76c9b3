"""Whole pages for visitors who are not signed in, from the cache; Cache-Control for the rest.

A visitor who sends no session cookie, no messages cookie and no Authorization header is
anonymous and has nothing personal on the page, so what they see depends only on the URL and
on the content (anonymous readers only ever hold the TLP:CLEAR grant). A view opts a response in
with :func:`mark_shared` when its content depends only on the reader's grants; for such a
visitor the page is then kept under the current content version (see portal.core.caching) and
served to the next one without touching the session, the database or a template. It is sent
``Cache-Control: public`` with a short max-age and an ETag, so browsers and a CDN can revalidate
cheaply (``Vary: Cookie`` keeps signed-in readers off those copies).

Everything else is sent ``private, no-store`` unless the view chose its own Cache-Control.

A response is never stored when it sets a cookie, used the CSRF token or carries a per-response
nonce in any header: those would be replayed to the next visitor.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from portal.core.caching import cache_key, content_version

SHARED_ATTR = "portal_shared_content"
MESSAGES_COOKIE = "messages"


def mark_shared(response):
    """Declare that ``response`` shows what the reader's grants allow and nothing personal."""
    setattr(response, SHARED_ATTR, True)
    return response


def _carries_no_identity(request) -> bool:
    return (request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and MESSAGES_COOKIE not in request.COOKIES
            and "authorization" not in request.headers)


def _storable(request, response) -> bool:
    return (response.status_code == 200
            and getattr(response, SHARED_ATTR, False)
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not response.has_header("Cache-Control")
            and not any("nonce-" in value for value in response.headers.values()))


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _carries_no_identity(request):
            return self._private(self.get_response(request))
        key = cache_key("page", content_version(request), request.get_host(),
                        request.get_full_path())
        stored = cache.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response.headers[name] = value
            return self._conditional(request, response)
        response = self.get_response(request)
        if not _storable(request, response):
            return self._private(response)
        patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
        response.headers["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        cache.set(key, (response.status_code, list(response.headers.items()), response.content),
                  settings.PAGE_CACHE_SECONDS)
        return self._conditional(request, response)

    @staticmethod
    def _conditional(request, response):
        return get_conditional_response(request, etag=response.headers["ETag"],
                                        response=response)

    @staticmethod
    def _private(response):
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
