"""Choosing the people a TLP:RED item is for, among thousands.

The page never lists the community: the field renders only the people already chosen (name,
organisation, email). With scripts on, editors find others by typing into a search box that
asks :func:`search_people`; without scripts, they add people by exact email address.

The search answers editors only (contributors, publishers and admins of an approved
organisation, and superusers), needs at least two characters, and returns at most
``MAX_RESULTS`` people: enough to pick from, too few to page through the portal's members.
Anyone else gets the admin's 404. Words are matched against names, email addresses and
organisation names through trigram indexes (portal.core.accounts and organisations
migrations), so a search stays fast with tens of thousands of members.
"""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal.core import access
from portal.core.ids import as_id
from portal.core.organisations.models import Membership, Organisation, OrganisationStatus, Role
from portal.core.security.ratelimit import rate_limited

MIN_QUERY = 2
MAX_QUERY = 100
MAX_WORDS = 5
MAX_RESULTS = 20
# TLP:RED names individuals: more than this is a mistake, and the widget never describes more
# (re-rendering a refused form must not become a way to list the members).
MAX_RECIPIENTS = 50


def eligible_recipients():
    """Who may be named: active members of approved organisations."""
    return get_user_model().objects.filter(
        is_active=True, pk__in=Membership.objects.filter(
            organisation__status=OrganisationStatus.APPROVED).values("user_id"))


def may_search_people(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(
        access.principal_for_user(user).organisations_where(*Role.at_least(Role.CONTRIBUTOR)))


def describe(people) -> list[dict]:
    """Name, approved organisations and email of each person (two queries)."""
    people = people.prefetch_related(Prefetch(
        "memberships", to_attr="approved_memberships",
        queryset=Membership.objects.filter(organisation__status=OrganisationStatus.APPROVED)
        .select_related("organisation").order_by("organisation__name")))
    return [{"id": person.pk, "name": person.get_full_name() or person.email,
             "organisation": ", ".join(m.organisation.name for m in person.approved_memberships),
             "email": person.email} for person in people]


def matching(query: str):
    """Eligible people matching every word of ``query`` in a name, email or organisation."""
    people = eligible_recipients()
    for word in re.split(r"\s+", query.strip())[:MAX_WORDS]:
        organisations = Organisation.objects.approved().filter(name__icontains=word)
        people = people.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(pk__in=Membership.objects.filter(organisation__in=organisations)
                .values("user_id")))
    return people.order_by("last_name", "first_name", "email")


@require_GET
@rate_limited("autocomplete", json=True)
def search_people(request):
    """``?q=``: up to MAX_RESULTS people, as JSON. A short or empty query finds no one."""
    if not may_search_people(request.user):
        raise Http404
    query = request.GET.get("q", "").strip()
    if len(query) > MAX_QUERY or "\x00" in query:
        return JsonResponse({"error": f"Search with at most {MAX_QUERY} characters."},
                            status=400)
    if len(query) < MIN_QUERY:
        return JsonResponse({"results": [], "more": False})
    found = describe(matching(query)[:MAX_RESULTS + 1])
    return JsonResponse({"results": found[:MAX_RESULTS], "more": len(found) > MAX_RESULTS})


class RecipientUsersWidget(forms.SelectMultiple):
    """The chosen people as ticked checkboxes, a search box (scripts) and an email field (no
    scripts). Renders only the chosen: never iterates the field's choices."""

    template_name = "cms/widgets/recipient_users.html"

    class Media:
        js = ["cms/js/recipient_picker.js"]

    def emails_name(self, name):
        return f"{name}-emails"

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)
        ids = [pk for pk in (as_id(v) for v in context["widget"]["value"]) if pk]
        ids = ids[:MAX_RECIPIENTS]
        context["chosen"] = describe(eligible_recipients().filter(pk__in=ids)
                                     .order_by("last_name", "first_name", "email"))
        context["emails_name"] = self.emails_name(name)
        context["search_url"] = reverse("cms_recipient_search")
        context["min_query"] = MIN_QUERY
        return context

    def value_from_datadict(self, data, files, name):
        # A value that cannot name a row stays as text, so the field refuses it by name
        # instead of a database failing on it.
        values = [str(pk) if (pk := as_id(v)) else f"“{v}”"
                  for v in super().value_from_datadict(data, files, name) or []]
        emails = [e for e in re.split(r"[\s,;]+", data.get(self.emails_name(name), "")) if e]
        if emails:
            emails = emails[:MAX_RECIPIENTS + 1]
            known = dict(eligible_recipients().filter(
                email__in=[e.lower() for e in emails if "@" in e]).values_list("email", "pk"))
            # An address that names no one (or a word that is no address) stays as it is, so
            # the field refuses it; a bare number is never taken for a person's id.
            values += [str(known[e.lower()]) if e.lower() in known else f"“{e}”"
                       for e in emails]
        return values

    def value_omitted_from_data(self, data, files, name):
        return False  # no box ticked means no one
