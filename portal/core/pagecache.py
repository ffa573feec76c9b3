"""Whole pages from the cache, shared only by readers with the same grants; Cache-Control.

A view opts a response in with :func:`mark_shared` when what it shows depends only on the
reader's grants (portal.core.access), apart from the per-person parts of the layout. Such a
page is kept under the current content version (portal.core.caching) and served again to the
next reader who holds the same grants, without routing, queries for content or templates:

- *Visitors without a session* (no session cookie, no messages cookie, no Authorization
  header) are anonymous and hold only the TLP:CLEAR grant, so their pages are keyed by URL
  alone. They are sent ``Cache-Control: public`` with a short max-age, ``Vary: Cookie`` and an
  ETag, so browsers and a CDN can revalidate cheaply.
- *Signed-in readers* share pages keyed by the digest of their grants as well. The per-person
  parts of the layout sit between ``<!--personal:NAME-->`` and ``<!--/personal-->`` markers
  (NAME is one of :data:`PERSONAL_TEMPLATES`): they are stored empty and rendered afresh for
  each reader on every request. ``<!--personal:NAME?key=value-->`` gives the template ``key``
  (letters, digits and underscores only), for a part that depends on the page, such as an
  item's follow button. Editors are never served shared pages (their user bar belongs
  to the page). These pages are sent ``private, no-store``.

Everything else is sent ``private, no-store`` unless the view chose its own Cache-Control.

A page is never stored when the view set a cookie or its own Cache-Control, when any header
carries a nonce, or when what would be stored holds a CSRF token or a nonce: those would be
replayed to the next reader. Per-response values belong in the personal parts.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from portal.core.access import grants_digest, principal_for
from portal.core.caching import cache_key, content_version

SHARED_ATTR = "portal_shared_content"
MESSAGES_COOKIE = "messages"
PERSONAL_TEMPLATES = {"includes/account_nav.html", "includes/messages.html",
                      "includes/organisation_suggestion.html"}
PERSONAL = re.compile(r"<!--personal:([\w./-]+)(\?[\w=&]*)?-->.*?<!--/personal-->", re.DOTALL)
PER_RESPONSE_MARKERS = ("csrfmiddlewaretoken", "nonce=")


def register_personal_template(name: str) -> None:
    """Let a higher layer's template be a personal part of shared pages (from its ``ready()``),
    so this module names no template it does not own."""
    PERSONAL_TEMPLATES.add(name)


def mark_shared(response):
    """Declare that ``response`` shows what the reader's grants allow and, outside its
    personal parts, nothing about the reader."""
    setattr(response, SHARED_ATTR, True)
    return response


def is_editor(request) -> bool:
    """Does the reader use the editor (rights come through groups)? Asked once per request."""
    if not hasattr(request, "_portal_is_editor"):
        user = request.user
        request._portal_is_editor = user.is_authenticated and (
            user.is_superuser or user.groups.exists())
    return request._portal_is_editor


def _anonymous(request) -> bool:
    return (settings.SESSION_COOKIE_NAME not in request.COOKIES
            and MESSAGES_COOKIE not in request.COOKIES
            and "authorization" not in request.headers)


def _personal(match, fill):
    name, args = match[1], match[2] or ""
    if name not in PERSONAL_TEMPLATES:
        return match[0]
    return f"<!--personal:{name}{args}-->{fill(name, args)}<!--/personal-->"


def _personal_context(args: str) -> dict:
    return dict(QueryDict(args[1:]).items()) if args else {}


class PageCacheMiddleware:
    """Placed after the session, authentication and messages middleware (see settings)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self._private(self.get_response(request))
        if _anonymous(request):
            reader = "anonymous"
        elif request.user.is_authenticated and not is_editor(request):
            reader = grants_digest(principal_for(request))
        else:
            return self._private(self.get_response(request))
        key = cache_key("page", content_version(request), reader, request.get_host(),
                        request.get_full_path())
        stored = cache.get(key)
        if stored is not None:
            return self._replay(request, reader, stored)
        response = self.get_response(request)
        if not self._storable(response):
            return self._private(response)
        body = response.content.decode(response.charset)
        if reader != "anonymous":
            body = PERSONAL.sub(lambda match: _personal(match, lambda name, args: ""), body)
        if any(marker in body for marker in PER_RESPONSE_MARKERS):
            return self._private(response)
        headers = [(name, value) for name, value in response.headers.items()
                   if name.lower() not in ("content-length", "set-cookie")]
        stored = (response.status_code, headers, body)
        cache.set(key, stored, settings.PAGE_CACHE_SECONDS)
        if reader != "anonymous":
            return self._private(response)
        return self._public(request, response)

    def _replay(self, request, reader, stored):
        status, headers, body = stored
        if reader != "anonymous":
            body = PERSONAL.sub(lambda match: _personal(
                match, lambda name, args: render_to_string(name, _personal_context(args),
                                                           request=request)), body)
        response = HttpResponse(body, status=status)
        for name, value in headers:
            response.headers[name] = value
        if reader != "anonymous":
            return self._private(response)
        return self._public(request, response)

    @staticmethod
    def _storable(response) -> bool:
        return (response.status_code == 200
                and getattr(response, SHARED_ATTR, False)
                and not response.streaming
                and not response.cookies
                and not response.has_header("Cache-Control")
                and not any("nonce-" in value for value in response.headers.values()))

    @staticmethod
    def _public(request, response):
        patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
        response.headers["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        return get_conditional_response(request, etag=response.headers["ETag"],
                                        response=response)

    @staticmethod
    def _private(response):
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
