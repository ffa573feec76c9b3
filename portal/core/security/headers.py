"""Content-Security-Policy and Permissions-Policy on every response.

The portal's own pages allow scripts and styles from the site itself only, plus any inline
script or style that carries the request's nonce (``{{ csp_nonce }}`` in templates); nothing
may frame them. The editor (Wagtail's admin) still relies on inline styles and inline event
wiring in places, so under /admin/ the policy also allows inline styles and scripts; it keeps
every other restriction (no other origins, no framing, no plugins). docs/security.md explains
each directive.
"""

import secrets

from django.conf import settings

PERMISSIONS_POLICY = ", ".join([
    "accelerometer=()", "autoplay=()", "camera=()", "display-capture=()", "geolocation=()",
    "gyroscope=()", "magnetometer=()", "microphone=()", "midi=()", "payment=()", "usb=()",
    "xr-spatial-tracking=()", "browsing-topics=()",
    # Passkeys (WebAuthn) are the portal's own second factor.
    "publickey-credentials-create=(self)", "publickey-credentials-get=(self)",
])


def content_security_policy(nonce: str, editor: bool) -> str:
    inline = " 'unsafe-inline'" if editor else f" 'nonce-{nonce}'"
    directives = {
        "default-src": "'self'",
        "script-src": "'self'" + inline,
        "style-src": "'self'" + inline,
        "img-src": "'self' data: blob:",  # TOTP set-up shows its QR code as a data: image
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "media-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'" if editor else "'none'",
        # The editor previews pages in a frame of its own.
        "frame-src": "'self'" if editor else "'none'",
    }
    if settings.SECURE_SSL_REDIRECT:
        directives["upgrade-insecure-requests"] = ""
    return "; ".join(f"{name} {value}".strip() for name, value in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        editor = request.path.startswith("/admin/") or request.path.startswith("/django-admin/")
        response.headers.setdefault(
            "Content-Security-Policy", content_security_policy(request.csp_nonce, editor))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def csp_nonce(request):
    """Template context: ``csp_nonce`` for the rare inline script or style."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
