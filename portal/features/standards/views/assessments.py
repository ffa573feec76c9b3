"""Self-assessment pages: the clause-by-clause form (saved as you go), history, gap report,
CSV export and sharing."""

import io

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.models import StandardStatus
from portal.core.access import principal_for
from portal.core.notifications.sending import notify
from portal.features.standards import assessments
from portal.features.standards.forms import AggregateForm, AnswerForm, ShareForm
from portal.features.standards.models import AssessmentEvent, AssessmentShare
from portal.features.standards.notifications import ASSESSMENT_SHARED
from portal.features.standards.views.lookups import (
    NOT_HERE,
    editable_assessment,
    get_or_404,
    may_edit,
    organisations_where,
    visible_assessment,
    visible_standard,
)

EDITORS = ("admin", "publisher", "assessor")


def _url(assessment, name="standards:assessment"):
    return reverse(name, args=[assessment.standard_id, assessment.organisation.slug])


@verified_email_required
@require_http_methods(["GET", "POST"])
def assessment(request, standard_id, org_slug):
    standard = visible_standard(request, standard_id)
    own = organisations_where(request, *EDITORS).filter(slug=org_slug).first()
    if own is not None and not standard.assessments.filter(organisation=own).exists():
        # An editor of the organisation may start one; nobody else learns it is missing.
        if standard.status != StandardStatus.ADOPTED:
            raise Http404(NOT_HERE)
        if request.method == "POST" and "start" in request.POST:
            assessments.start(standard, own, request.user)
            messages.success(request, "Assessment started: answer each clause as you go.")
            return redirect("standards:assessment", standard.pk, own.slug)
        return render(request, "standards/assessment_start.html",
                      {"standard": standard, "organisation": own})
    item = visible_assessment(request, standard_id, org_slug)
    editable = may_edit(request, item)
    answers = list(assessments.answers_of(item))
    if request.method == "POST":
        if not editable:
            raise Http404(NOT_HERE)
        return _save(request, item, answers)
    forms = [(answer, AnswerForm(instance=answer, organisation=item.organisation,
                                 prefix=f"a{answer.pk}")) for answer in answers]
    return render(request, "standards/assessment.html", {
        "assessment": item, "standard": standard, "forms": forms, "editable": editable,
        "summary": assessments.summary(answers),
    })


def _save(request, item, answers):
    answer = next((a for a in answers if str(a.pk) == request.POST.get("answer")), None)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if answer is None:
        message = "That clause is not part of this assessment."
        if wants_json:
            return JsonResponse({"errors": {"answer": [message]}}, status=400)
        return HttpResponse(message, status=400)
    form = AnswerForm(request.POST, instance=answer, organisation=item.organisation,
                      prefix=f"a{answer.pk}")
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"errors": form.errors}, status=400)
        forms = [(a, form if a.pk == answer.pk else AnswerForm(
            instance=a, organisation=item.organisation, prefix=f"a{a.pk}")) for a in answers]
        return render(request, "standards/assessment.html", {
            "assessment": item, "standard": item.standard, "forms": forms, "editable": True,
            "summary": assessments.summary(answers)}, status=400)
    # The form has already written the cleaned values onto ``answer``; save from a fresh copy.
    changed = assessments.save_answer(answer, form.cleaned_data, request.user)
    if wants_json:
        fresh = assessments.summary(list(assessments.answers_of(item)))
        return JsonResponse({"saved": changed, "summary": render_to_string(
            "standards/_summary_text.html", {"summary": fresh})})
    messages.success(request, f"Clause {answer.clause.number} saved.")
    return redirect(f"{_url(item)}#clause-{answer.clause.key}")


@verified_email_required
@require_GET
def history(request, standard_id, org_slug):
    item = visible_assessment(request, standard_id, org_slug)
    events = AssessmentEvent.objects.filter(assessment=item).select_related("user", "clause")[:500]
    return render(request, "standards/history.html", {"assessment": item, "events": events})


@verified_email_required
@require_GET
def gaps(request, standard_id, org_slug):
    item = visible_assessment(request, standard_id, org_slug)
    answers = list(assessments.answers_of(item))
    report = assessments.gap_report(principal_for(request), answers)
    return render(request, "standards/gaps.html", {
        "assessment": item, "gaps": report, "summary": assessments.summary(answers)})


@verified_email_required
@require_GET
def export_csv(request, standard_id, org_slug):
    item = visible_assessment(request, standard_id, org_slug)
    out = io.StringIO()
    assessments.write_csv(out, item, assessments.answers_of(item))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="assessment-{item.standard.slug}-{item.organisation.slug}.csv"')
    response["Cache-Control"] = "private, no-store"
    return response


@verified_email_required
@require_http_methods(["GET", "POST"])
def sharing(request, standard_id, org_slug):
    item = editable_assessment(request, standard_id, org_slug)
    shares = item.shares.select_related("organisation", "mentoring")
    exclude = [item.organisation_id] + [s.organisation_id for s in shares]
    share_form = ShareForm(exclude=exclude, prefix="share")
    aggregate_form = AggregateForm(initial={"aggregate": item.aggregate}, prefix="agg")
    if request.method == "POST":
        if "share-organisation" in request.POST:
            share_form = ShareForm(request.POST, exclude=exclude, prefix="share")
            if share_form.is_valid():
                _share(request, item, share_form.cleaned_data["organisation"])
                return redirect(_url(item, "standards:sharing"))
        elif "agg-submit" in request.POST:
            aggregate_form = AggregateForm(request.POST, prefix="agg")
            if aggregate_form.is_valid():
                item.aggregate = aggregate_form.cleaned_data["aggregate"]
                item.save(update_fields=["aggregate", "updated_at"])
                AssessmentEvent.objects.create(assessment=item, user=request.user, change={
                    "event": "uptake " + ("opted in" if item.aggregate else "opted out")})
                messages.success(request, "Your choice about uptake figures is saved.")
                return redirect(_url(item, "standards:sharing"))
    status = 400 if share_form.errors or aggregate_form.errors else 200
    return render(request, "standards/sharing.html", {
        "assessment": item, "shares": shares, "share_form": share_form,
        "aggregate_form": aggregate_form}, status=status)


def _share(request, item, organisation):
    with transaction.atomic():
        AssessmentShare.objects.get_or_create(assessment=item, organisation=organisation,
                                              defaults={"created_by": request.user})
        AssessmentEvent.objects.create(assessment=item, user=request.user,
                                       change={"event": "shared", "with": organisation.name})
        notify(organisation.admins(), ASSESSMENT_SHARED,
               f"{item.organisation} shared a self-assessment with {organisation}",
               _url(item))
    messages.success(request, f"Shared read-only with {organisation}.")


@verified_email_required
@require_POST
def withdraw_share(request, standard_id, org_slug, share_id):
    item = editable_assessment(request, standard_id, org_slug)
    share = get_or_404(item.shares.select_related("organisation"), pk=share_id)
    with transaction.atomic():
        AssessmentEvent.objects.create(assessment=item, user=request.user, change={
            "event": "share withdrawn", "with": share.organisation.name})
        share.delete()
    messages.success(request, f"{share.organisation} can no longer read this assessment.")
    return redirect(_url(item, "standards:sharing"))
