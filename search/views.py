"""The search page and the JSON search API: both call search.service with the same request."""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cms.models import TopicIndexPage
from portal.core import access
from portal.core.accounts.models import ApiToken, TokenScope
from portal.core.security.ratelimit import rate_limited
from search import service
from search.query import InvalidSearch, SearchRequest

AUTOCOMPLETE_MIN = 2


@require_GET
@rate_limited("search", json=False)
def search_page(request):
    context = {"query": request.GET.get("q", "")[:300], "error": "", "results": None}
    try:
        search_request = SearchRequest.from_params(request.GET)
    except InvalidSearch as error:
        context["error"] = str(error)
        return render(request, "search/search.html", context, status=400)
    if search_request.text or any(getattr(search_request, f) for f in SearchRequest.FILTERS):
        context["results"] = service.search(access.principal_for(request), search_request)
    context["search_request"] = search_request
    context["topic_index"] = TopicIndexPage.objects.live().first()
    return render(request, "search/search.html", context)


def _api_principal(request):
    """The principal for an API call: a bearer token if one is sent, else the session."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, key = header.partition(" ")
        token = (ApiToken.objects.valid_for(key.strip(), TokenScope.SEARCH_READ, request)
                 if scheme.lower() == "bearer" else None)
        if token is None:
            return None
        request.api_token = token  # rate limits count per token
        return access.principal_for_user(token.user)
    return access.principal_for(request)


def _unauthorised():
    response = JsonResponse({"error": "The API token is not valid: it may have expired or "
                                      "been revoked."}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="portal"'
    return response


@require_GET
@rate_limited("search_api", json=True)
def search_api(request):
    principal = _api_principal(request)
    if principal is None:
        return _unauthorised()
    try:
        search_request = SearchRequest.from_params(request.GET)
    except InvalidSearch as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(service.search(principal, search_request).as_dict())


@require_GET
@rate_limited("autocomplete", json=True)
def autocomplete_api(request):
    principal = _api_principal(request)
    if principal is None:
        return _unauthorised()
    prefix = request.GET.get("q", "")
    if len(prefix) > 100:
        return JsonResponse({"error": "Type at most 100 characters."}, status=400)
    suggestions = []
    if len(prefix.strip()) >= AUTOCOMPLETE_MIN:
        suggestions = service.autocomplete(principal, prefix)
    return JsonResponse({"query": prefix, "suggestions": suggestions})
