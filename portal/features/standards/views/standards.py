"""A standard in practice: signing and withdrawing, moderators' removals, what changed between
versions, and uptake figures."""

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.models import StandardStatus
from portal.core.access import principal_for
from portal.core.accounts.moderators import is_moderator
from portal.features.standards import uptake
from portal.features.standards.access import may_read_uptake
from portal.features.standards.forms import ReasonForm, SignForm, UptakeAudienceForm
from portal.features.standards.models import Signatory, StandardVersion, UptakeSetting
from portal.features.standards.versions import diff, latest_version
from portal.features.standards.views.lookups import (
    NOT_HERE,
    get_or_404,
    organisations_where,
    own_organisation,
    visible_standard,
)


def _back(standard):
    return f"{standard.url}#practice"


@verified_email_required
@require_POST
def sign(request, standard_id):
    standard = visible_standard(request, standard_id)
    form = SignForm(request.POST, organisations=organisations_where(request, "admin"))
    if standard.status != StandardStatus.ADOPTED:
        messages.error(request, "Only an adopted standard can be signed.")
        return redirect(_back(standard))
    if not form.is_valid():
        messages.error(request, "Choose an organisation you administer.")
        return redirect(_back(standard))
    organisation = form.cleaned_data["organisation"]
    try:
        with transaction.atomic():
            Signatory.objects.create(standard=standard, version=latest_version(standard),
                                     organisation=organisation, signed_by=request.user,
                                     statement=form.cleaned_data["statement"].strip())
        messages.success(request, f"{organisation} has signed {standard.title}.")
    except IntegrityError:
        messages.info(request, f"{organisation} has already signed this standard.")
    return redirect(_back(standard))


@verified_email_required
@require_POST
def withdraw(request, standard_id, org_slug):
    standard = visible_standard(request, standard_id)
    organisation = own_organisation(request, org_slug, "admin")
    signatory = get_or_404(Signatory.objects, standard=standard, organisation=organisation,
                                  withdrawn_at=None, removed_at=None)
    signatory.withdrawn_at = timezone.now()
    signatory.save(update_fields=["withdrawn_at"])
    messages.success(request, f"{organisation} has withdrawn from {standard.title}.")
    return redirect(_back(standard))


@verified_email_required
@require_http_methods(["GET", "POST"])
def remove(request, standard_id, signatory_id):
    if not is_moderator(request.user):
        raise Http404(NOT_HERE)
    standard = visible_standard(request, standard_id)
    signatory = get_or_404(Signatory.objects, standard=standard, pk=signatory_id,
                                  withdrawn_at=None, removed_at=None)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signatory.removed_at, signatory.removed_by = timezone.now(), request.user
        signatory.removal_reason = form.cleaned_data["reason"]
        signatory.save(update_fields=["removed_at", "removed_by", "removal_reason"])
        messages.success(request, f"{signatory.organisation} was removed from the signatories.")
        return redirect(_back(standard))
    return render(request, "standards/remove_signatory.html",
                  {"standard": standard, "signatory": signatory, "form": form},
                  status=400 if form.errors else 200)


@require_GET
def changes(request, standard_id):
    """Clause by clause, what changed from one version to another (default: the last two)."""
    standard = visible_standard(request, standard_id)
    versions = list(StandardVersion.objects.filter(standard=standard))
    if not versions:
        raise Http404(NOT_HERE)
    by_label = {v.label: v for v in versions}
    after = by_label.get(request.GET.get("to"), versions[-1])
    default_before = versions[versions.index(after) - 1] if versions.index(after) else after
    before = by_label.get(request.GET.get("from"), default_before)
    return render(request, "standards/changes.html", {
        "standard": standard, "versions": versions, "before": before, "after": after,
        "diff": diff(before, after)})


@verified_email_required
@require_http_methods(["GET", "POST"])
def uptake_page(request, standard_id):
    standard = visible_standard(request, standard_id)
    setting, _ = UptakeSetting.objects.get_or_create(
        standard=standard, defaults={"organisation": standard.source_organisation})
    principal = principal_for(request)
    if not may_read_uptake(principal, request.user, setting):
        raise Http404(NOT_HERE)
    publisher = setting.organisation_id in principal.organisations_where("admin", "publisher")
    form = UptakeAudienceForm(request.POST or None, initial={"audience": setting.audience})
    if request.method == "POST":
        if not publisher:
            raise Http404(NOT_HERE)
        if form.is_valid():
            setting.audience = form.cleaned_data["audience"]
            setting.save(update_fields=["audience"])
            messages.success(request, "Saved who may read these figures.")
            return redirect("standards:uptake", standard.pk)
    total, shown, breakdowns = uptake.figures(standard)
    clauses = list(standard.practice_clauses.filter(current=True))
    tables = [(breakdown.name, [(group, group.rows(clauses) if group.shown else None)
                                for group in breakdown.groups]) for breakdown in breakdowns]
    return render(request, "standards/uptake.html", {
        "standard": standard, "total": total, "shown": shown, "tables": tables,
        "status_labels": [uptake.STATUS_LABELS[status] for status in uptake.STATUSES],
        "min_group": uptake.MIN_GROUP, "form": form if publisher else None},
        status=400 if form.errors else 200)
