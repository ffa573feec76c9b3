from urllib.parse import urlencode

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.accounts.models import ApiToken
from portal.core.audit.models import Kind
from portal.core.audit.recording import record

LIFETIMES = [(7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "1 year")]


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. a script.")
    lifetime_days = forms.TypedChoiceField(
        label="Expires after", choices=LIFETIMES, coerce=int, initial=90,
        help_text="Tokens are read-only: they can search, nothing else.")


@login_required
@reauthentication_required(allow_get=True)  # creating a token asks for the password again
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        token, new_key = ApiToken.issue(request.user, form.cleaned_data["name"],
                                        form.cleaned_data["lifetime_days"])
        record(Kind.API_TOKEN_CREATED, request=request, target=str(token),
               scope=token.scope, expires_at=token.expires_at.date().isoformat())
        form = ApiTokenForm()
    return render(request, "account/api_tokens.html", {
        "form": form, "new_key": new_key, "tokens": request.user.personal_tokens.all(),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def revoke_api_token(request, token_id):
    token = get_object_or_404(request.user.personal_tokens, pk=token_id)
    token.delete()
    record(Kind.API_TOKEN_REVOKED, request=request, target=str(token))
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("api-tokens")


def sign_in_through_allauth(request):
    """Every other sign-in form (Django's and Wagtail's admin, Wagtail's front-end login) ends
    here, so email verification, two-factor and rate limits apply to every way in."""
    url = reverse("account_login")
    next_url = request.GET.get("next", "")
    if next_url:
        url = f"{url}?{urlencode({'next': next_url})}"
    return redirect(url)
