"""Mentoring pages, the "standards" overview of one's organisations, and the assessor
capability that organisation admins give."""

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cms.access import item_policy
from portal.core.access import principal_for
from portal.core.accounts.moderators import is_moderator
from portal.core.organisations.models import Capability, MembershipCapability
from portal.features.standards import mentoring
from portal.features.standards.access import assessment_policy, mentoring_policy
from portal.features.standards.forms import (
    AssessorForm,
    FeedbackForm,
    MentoringRequestForm,
    OfferForm,
)
from portal.features.standards.models import (
    Clause,
    Mentoring,
    MentoringOffer,
    MentoringStatus,
)
from portal.features.standards.views.lookups import (
    NOT_HERE,
    editable_assessment,
    get_or_404,
    organisations_where,
    own_organisation,
)


@verified_email_required
@require_GET
def overview(request):
    """Everything about standards for the reader's organisations, on one page."""
    principal = principal_for(request)
    from portal.features.standards.models import Assessment

    visible = assessment_policy.visible(principal, Assessment.objects.select_related(
        "standard", "organisation", "version"))
    pairs = mentoring_policy.visible(principal, Mentoring.objects.select_related(
        "mentor", "mentee", "standard"))
    return render(request, "standards/overview.html", {
        "own": [a for a in visible if a.organisation_id in principal.organisation_ids],
        "shared": [a for a in visible if a.organisation_id not in principal.organisation_ids],
        "pairs": pairs, "admin_of": organisations_where(request, "admin"),
        "moderator": is_moderator(request.user),
    })


@verified_email_required
@require_http_methods(["GET", "POST"])
def offer(request, org_slug):
    organisation = own_organisation(request, org_slug, "admin")
    instance = MentoringOffer.objects.filter(organisation=organisation).first()
    from cms.models import StandardPage

    standards = item_policy.visible(principal_for(request), StandardPage.objects.live())
    clauses = Clause.objects.filter(current=True, standard__in=standards.values("pk")
                                    ).select_related("standard")
    form = OfferForm(request.POST or None, instance=instance, clauses=clauses)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.organisation = organisation
        saved.save()
        form.save_m2m()
        messages.success(request, "Your mentoring offer is saved.")
        return redirect("standards:overview")
    return render(request, "standards/offer.html", {"organisation": organisation, "form": form},
                  status=400 if form.errors else 200)


@verified_email_required
@require_http_methods(["GET", "POST"])
def find_mentor(request, standard_id, org_slug):
    """Suggested mentors for an assessment's gaps; asking one of them."""
    assessment = editable_assessment(request, standard_id, org_slug)
    suggestions = mentoring.suggestions(assessment)
    form = MentoringRequestForm(request.POST or None)
    if request.method == "POST":
        offer = next((s.offer for s in suggestions
                      if str(s.offer.organisation_id) == request.POST.get("mentor")), None)
        if offer is None:
            raise Http404(NOT_HERE)
        if form.is_valid():
            try:
                pair = mentoring.request(offer.organisation, assessment, request.user,
                                         form.cleaned_data["message"],
                                         form.cleaned_data["share_assessment"])
            except IntegrityError:
                messages.info(request, "You have already asked this organisation.")
                return redirect("standards:overview")
            messages.success(request, f"Your request was sent to {offer.organisation}.")
            return redirect("standards:mentoring-detail", pair.pk)
    return render(request, "standards/find_mentor.html", {
        "assessment": assessment, "suggestions": suggestions, "form": form},
        status=400 if form.errors else 200)


def _pair(request, pair_id):
    pair = Mentoring.objects.select_related("mentor", "mentee", "standard").filter(
        pk=pair_id).first()
    if pair is None or not mentoring_policy.can_view(principal_for(request), pair):
        raise Http404(NOT_HERE)
    return pair


def _side(request, pair):
    """"mentor" or "mentee" when the user administers that side, else None."""
    admin_of = principal_for(request).organisations_where("admin")
    if pair.mentor_id in admin_of:
        return "mentor"
    if pair.mentee_id in admin_of:
        return "mentee"
    return None


@verified_email_required
@require_http_methods(["GET", "POST"])
def detail(request, pair_id):
    pair = _pair(request, pair_id)
    side = _side(request, pair)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        allowed = {
            MentoringStatus.REQUESTED: {"mentor": {"accept", "decline"}, "mentee": {"close"}},
            MentoringStatus.ACTIVE: {"mentor": {"close"}, "mentee": {"close"}},
            MentoringStatus.CLOSED: {"mentor": {"feedback"}, "mentee": {"feedback"}},
        }.get(pair.status, {}).get(side, set())
        if action not in allowed:
            raise Http404(NOT_HERE)
        if not form.is_valid():
            return render(request, "standards/mentoring.html",
                          {"pair": pair, "side": side, "form": form}, status=400)
        feedback = form.cleaned_data["feedback"].strip()
        if action == "accept":
            mentoring.accept(pair, request.user)
        elif action == "decline":
            mentoring.decline(pair, request.user)
        elif action == "close":
            mentoring.close(pair, request.user, side, feedback)
        else:
            mentoring.leave_feedback(pair, side, feedback)
        messages.success(request, "Done.")
        return redirect("standards:mentoring-detail", pair.pk)
    return render(request, "standards/mentoring.html", {"pair": pair, "side": side,
                                                        "form": form})


@verified_email_required
@require_GET
def pairs_for_moderators(request):
    """Who mentors whom: names, standards and states only, never assessment content."""
    if not is_moderator(request.user):
        raise Http404(NOT_HERE)
    pairs = Mentoring.objects.select_related("mentor", "mentee", "standard")
    return render(request, "standards/pairs.html", {"pairs": pairs})


@verified_email_required
@require_http_methods(["GET", "POST"])
def assessors(request, org_slug):
    """An organisation's admins name the members who may edit its self-assessments."""
    organisation = own_organisation(request, org_slug, "admin")
    memberships = organisation.memberships.select_related("user").prefetch_related(
        "capabilities")
    if request.method == "POST":
        form = AssessorForm(request.POST)
        if not form.is_valid():
            raise Http404(NOT_HERE)
        membership = get_or_404(memberships, pk=form.cleaned_data["membership"])
        if form.cleaned_data["grant"]:
            MembershipCapability.objects.get_or_create(membership=membership,
                                                       capability=Capability.ASSESSOR)
        else:
            MembershipCapability.objects.filter(membership=membership,
                                                capability=Capability.ASSESSOR).delete()
        messages.success(request, f"Saved for {membership.user.email}.")
        return redirect("standards:assessors", organisation.slug)
    rows = [(m, any(c.capability == Capability.ASSESSOR for c in m.capabilities.all()))
            for m in memberships]
    return render(request, "standards/assessors.html",
                  {"organisation": organisation, "rows": rows})
