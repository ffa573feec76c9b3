"""Rate limits for costly public endpoints (the search page, the search API, autocomplete).

Counted per signed-in user, per API token, or per IP address for anonymous callers, in fixed
windows in the default cache: Redis when REDIS_URL is set, so every worker shares the counts
(without Redis, a file cache under var/ that the processes of one host share). Over the limit,
the answer is 429 with Retry-After.
"""

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

PERIODS = {"s": 1, "m": 60, "h": 3600}


def parse_rate(rate: str) -> tuple[int, int]:
    """"60/m" -> (60, 60): so many requests per so many seconds."""
    match = re.fullmatch(r"(\d+)/(\d*)([smh])", rate.strip())
    if not match:
        raise ImproperlyConfigured(f"A rate limit looks like 60/m, 10/s or 1000/h, not {rate!r}")
    return int(match[1]), int(match[2] or 1) * PERIODS[match[3]]


def caller_key(request) -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{request.META.get('REMOTE_ADDR', '')}"


def retry_after(request, scope: str) -> int:
    """0 if the request may go ahead (and counts it), else seconds until it may."""
    limit, period = parse_rate(settings.PORTAL_RATE_LIMITS[scope])
    now = time.time()
    window = int(now // period)
    key = f"ratelimit:{scope}:{caller_key(request)}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count <= limit:
        return 0
    return max(1, int((window + 1) * period - now + 0.999))


def rate_limited(scope: str, *, json: bool):
    """Declare a view's limit; :class:`RateLimitMiddleware` enforces it, before the page cache
    could answer, so a cached page counts like any other."""

    def decorator(view):
        view.rate_limit = (scope, json)
        return view

    return decorator


def too_many(request, wait: int, json: bool):
    message = f"Too many requests. Try again in {wait} seconds."
    if json:
        response = JsonResponse({"error": message}, status=429)
    else:
        response = render(request, "error.html", {
            "title": "Too many requests", "message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response


class RateLimitMiddleware:
    """Counts each request to a view declared with :func:`rate_limited` and answers 429 past
    the limit. It sits before the page cache, and after authentication (callers are counted
    per user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = getattr(resolve(request.path_info).func, "rate_limit", None)
        except Resolver404:
            declared = None
        if declared:
            scope, json = declared
            wait = retry_after(request, scope)
            if wait:
                return too_many(request, wait, json)
        return self.get_response(request)
