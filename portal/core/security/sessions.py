"""Shorter sessions for privileged roles: signed out after PRIVILEGED_SESSION_IDLE_TIMEOUT
seconds without a request, and PRIVILEGED_SESSION_MAX_AGE seconds after signing in, whatever
happens. Other people keep SESSION_COOKIE_AGE."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

from portal.core.security.mfa import request_is_privileged

STARTED = "security.started_at"
LAST_SEEN = "security.last_seen"
# The last-seen time is written at most this often, so a busy editor does not save the
# session on every request; the idle timeout is accurate to within this many seconds.
WRITE_EVERY = 60


class PrivilegedSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request_is_privileged(request):
            now = int(time.time())
            session = request.session
            started = session.setdefault(STARTED, now)
            last_seen = session.get(LAST_SEEN, now)
            idle = settings.PRIVILEGED_SESSION_IDLE_TIMEOUT
            if now - last_seen > idle or now - started > settings.PRIVILEGED_SESSION_MAX_AGE:
                logout(request)
                messages.info(request, "You were signed out for safety after a period "
                              "without activity or a long session. Please sign in again.")
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= WRITE_EVERY or LAST_SEEN not in session:
                session[LAST_SEEN] = now
                session.set_expiry(idle)  # the cookie goes too
        return self.get_response(request)
