"""Error pages that say what went wrong in plain words, and the health check."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Liveness for load balancers and docker-compose; touches no database."""
    return HttpResponse("ok", content_type="text/plain")


def _error(request, status, title, message):
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "Bad request",
                  "The request could not be understood. Check the address or the form.")


def permission_denied(request, exception=None):
    return _error(request, 403, "Not allowed",
                  str(exception) if exception and str(exception) else
                  "You do not have permission to do that.")


def could_hide_an_item(path: str) -> bool:
    """Is ``path`` where a restricted item or document could be? (Below an organisation's page,
    or a document download.)"""
    from cms.models import OrganisationIndexPage

    if path.startswith("/documents/"):
        return True
    directory = OrganisationIndexPage.objects.live().first()
    prefix = directory.url if directory else None
    return bool(prefix) and path.startswith(prefix) and path[len(prefix):].count("/") >= 2


def page_not_found(request, exception=None):
    # Anonymous visitors are sent to sign in for restricted items; sending them to sign in for
    # missing ones too means a redirect never tells them that an item exists.
    if not request.user.is_authenticated and could_hide_an_item(request.path):
        return redirect_to_login(request.get_full_path())
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return _error(request, 404, "Page not found",
                  message or "There is nothing at this address, or you may not see it.")


def server_error(request):
    return render(request, "500.html", status=500)
