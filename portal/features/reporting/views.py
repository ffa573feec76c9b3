"""Confidential reporting pages.

Every view here sends ``Cache-Control: no-store`` (``never_cache``), reads no address or user
agent and logs nothing. Cases are found only through ``report_policy``, so a case someone may
not see answers exactly as a missing one.
"""

from functools import wraps

from allauth.account.decorators import verified_email_required
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Min, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.core.access import principal_for
from portal.core.accounts.moderators import is_moderator
from portal.core.organisations.models import (
    Capability,
    Membership,
    MembershipCapability,
    Organisation,
    Role,
)
from portal.features.reporting import crypto, handling, keys, submission
from portal.features.reporting.access import channel_admin_policy, report_policy
from portal.features.reporting.forms import (
    ChannelSettingsForm,
    CodeForm,
    MessageForm,
    NoteForm,
    PassphraseForm,
    RecoveryGrantForm,
    ReporterReplyForm,
    ReportForm,
    ReportingBodyForm,
    StatusForm,
    UnlockForm,
)
from portal.features.reporting.models import (
    Action,
    Attachment,
    Channel,
    ChannelKind,
    Report,
    Status,
)
from portal.features.reporting.sealing import open_attachment
from portal.features.reporting.statistics import yearly

NOT_FOUND = "There is nothing at this address, or you may not see it."


# No browser, proxy or full-page cache keeps these pages. (The site's Referrer-Policy,
# same-origin, already keeps addresses from leaving; no-referrer would make browsers send
# "Origin: null" with forms, which CSRF protection rightly refuses.)
confidential = never_cache


def _active_channel(org_slug, kind):
    return get_object_or_404(Channel.objects.select_related("organisation"), active=True,
                             organisation__slug=org_slug, kind=kind,
                             organisation__status="approved")


# The reporter's side -----------------------------------------------------------------------

@confidential
@require_GET
def channels(request):
    return render(request, "reporting/channels.html", {
        "channels": Channel.objects.filter(active=True, organisation__status="approved")
        .select_related("organisation")})


@confidential
@require_GET
def channel(request, org_slug, kind):
    channel = _active_channel(org_slug, kind)
    return render(request, "reporting/channel.html", {
        "channel": channel, "handlers": channel.handler_users().order_by("email")})


@confidential
@require_http_methods(["GET", "POST"])
def report(request, org_slug, kind):
    channel = _active_channel(org_slug, kind)
    form = ReportForm(request.POST or None, request.FILES or None, channel=channel,
                      user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _, code = submission.submit(channel, data, data["attachments"],
                                    user=request.user if request.user.is_authenticated
                                    else None)
        return render(request, "reporting/receipt.html", {
            "channel": channel, "code": crypto.show_code(code)})
    return render(request, "reporting/report_form.html", {"channel": channel, "form": form},
                  status=400 if form.errors else 200)


@confidential
@require_http_methods(["GET", "POST"])
def follow_up(request):
    """The reporter's return: the code opens the conversation; the reply form carries the
    code back in a hidden field, so nothing is kept between requests."""
    if request.method == "GET":
        return render(request, "reporting/follow_up.html", {"form": CodeForm()})
    replying = "text" in request.POST
    form = (ReporterReplyForm if replying else CodeForm)(request.POST, request.FILES or None)
    if not form.is_valid() and "code" in form.errors:
        return render(request, "reporting/follow_up.html", {"form": CodeForm(request.POST)},
                      status=400)
    try:
        opened = submission.open_with_code(request, form.data.get("code", ""))
    except submission.TooManyAttempts:
        return render(request, "reporting/follow_up.html", {
            "form": CodeForm(), "too_many": True}, status=429)
    if opened is None:
        return render(request, "reporting/follow_up.html", {
            "form": CodeForm(), "wrong": True}, status=400)
    report, private = opened
    reply_form = ReporterReplyForm(initial={"code": form.data["code"]})
    status = 200
    if replying:
        if form.is_valid():
            submission.reporter_writes(report, form.cleaned_data["text"],
                                       form.cleaned_data["attachments"])
            messages.success(request, "Your message was sent to the case handlers.")
        else:
            reply_form, status = form, 400
    return render(request, "reporting/thread.html", {
        "report": report, "channel": report.channel, "reply_form": reply_form,
        "thread": submission.thread_for_reporter(report, private)}, status=status)


@confidential
@require_GET
def statistics(request, org_slug, kind):
    channel = _active_channel(org_slug, kind)
    if not channel.publish_statistics:
        raise Http404(NOT_FOUND)
    return render(request, "reporting/statistics.html", {
        "channel": channel, "years": yearly(channel)})


# The handler's side ------------------------------------------------------------------------

def handler_required(view):
    """Signed in with a verified email and a second factor: handlers unlock keys that open
    every report of a channel."""

    @wraps(view)
    @verified_email_required
    def wrapped(request, *args, **kwargs):
        if not is_mfa_enabled(request.user):
            return render(request, "reporting/needs_mfa.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _handler_channels(request):
    orgs = principal_for(request).organisations_where(Capability.CASE_HANDLER)
    return Channel.objects.filter(organisation_id__in=orgs, active=True).select_related(
        "organisation")


def _handler_channel(request, channel_id):
    return get_object_or_404(_handler_channels(request), pk=channel_id)


@confidential
@handler_required
@require_GET
def inbox(request):
    principal = principal_for(request)
    identity = getattr(request.user, "reporting_identity", None)
    rows = []
    for ch in _handler_channels(request):
        granted = ch.handler_keys.filter(user=request.user).exists()
        rows.append({
            "channel": ch, "granted": granted,
            "unlocked": keys.unlocked_key(request, ch) is not None,
            "pending": keys.pending_grants(ch) if keys.unlocked_key(request, ch) else [],
            "reports": report_policy.visible(principal, ch.reports.all()).select_related(
                "assignee"),
        })
    return render(request, "reporting/inbox.html", {
        "rows": rows, "has_identity": identity is not None,
        "passphrase_form": PassphraseForm(), "unlock_form": UnlockForm(), "now": timezone.now()})


@confidential
@handler_required
@require_POST
def set_passphrase(request):
    if not _handler_channels(request).exists():
        raise Http404(NOT_FOUND)
    form = PassphraseForm(request.POST)
    if not form.is_valid():
        return render(request, "reporting/passphrase.html", {"form": form}, status=400)
    keys.set_passphrase(request.user, form.cleaned_data["passphrase"])
    messages.success(request, "Your passphrase is set. A handler who has unlocked the inbox, "
                              "or your organisation admin with the recovery key, can now "
                              "give you the channel's key.")
    return redirect("reporting:inbox")


@confidential
@handler_required
@require_POST
def unlock(request, channel_id):
    ch = _handler_channel(request, channel_id)
    form = UnlockForm(request.POST)
    response = redirect(request.POST.get("next") if request.POST.get("next", "").startswith(
        "/reporting/") else reverse("reporting:inbox"))
    if form.is_valid():
        try:
            keys.unlock(request, response, ch, form.cleaned_data["passphrase"])
            return response
        except crypto.Locked as error:
            messages.error(request, str(error))
    return redirect("reporting:inbox")


@confidential
@handler_required
@require_POST
def lock(request, channel_id):
    ch = _handler_channel(request, channel_id)
    response = redirect("reporting:inbox")
    keys.lock(request, response, ch)
    return response


@confidential
@handler_required
@require_POST
def grant(request, channel_id):
    ch = _handler_channel(request, channel_id)
    key = keys.unlocked_key(request, ch)
    user_id = request.POST.get("user", "")
    user = (keys.pending_grants(ch).filter(pk=user_id).first()
            if user_id.isascii() and user_id.isdigit() else None)
    if key is None or user is None:
        raise Http404(NOT_FOUND)
    keys.grant(ch, key, user, granted_by=request.user)
    messages.success(request, f"{user.email} can now unlock the inbox.")
    return redirect("reporting:inbox")


def _visible_case(request, pk):
    queryset = Report.objects.select_related("channel__organisation", "assignee")
    return get_object_or_404(report_policy.visible(principal_for(request), queryset), pk=pk)


@confidential
@handler_required
@require_http_methods(["GET", "POST"])
def case(request, pk):
    report = _visible_case(request, pk)
    key = keys.unlocked_key(request, report.channel)
    if key is None:
        return render(request, "reporting/locked.html", {
            "channel": report.channel, "form": UnlockForm(), "next": request.path})
    status_form = StatusForm(initial={"status": report.status, "outcome": report.outcome,
                                      "assignee": report.assignee}, report=report)
    message_form, note_form = MessageForm(), NoteForm()
    status = 200
    if request.method == "POST" and not report.is_purged:
        action = request.POST.get("action")
        if action == "status":
            status_form = StatusForm(request.POST, report=report)
            if status_form.is_valid():
                data = status_form.cleaned_data
                handling.change_status(report, request.user, data["status"], data["outcome"],
                                       data["assignee"])
                return redirect(report)
        elif action == "message":
            message_form = MessageForm(request.POST)
            if message_form.is_valid():
                handling.reply(report, request.user, message_form.cleaned_data["text"],
                               is_feedback=message_form.cleaned_data["is_feedback"])
                return redirect(report)
        elif action == "note":
            note_form = NoteForm(request.POST)
            if note_form.is_valid():
                handling.add_note(report, request.user, note_form.cleaned_data["text"])
                return redirect(report)
        status = 400
    else:
        handling.record(report, request.user, Action.OPENED)
    return render(request, "reporting/case.html", {
        "report": report, "case": handling.read_case(report, key),
        "events": report.events.select_related("actor"), "status_form": status_form,
        "message_form": message_form, "note_form": note_form}, status=status)


@confidential
@handler_required
@require_GET
def attachment(request, pk, attachment_id):
    report = _visible_case(request, pk)
    item = get_object_or_404(Attachment, report=report, pk=attachment_id)
    key = keys.unlocked_key(request, report.channel)
    if key is None:
        raise Http404(NOT_FOUND)
    meta, data = open_attachment(key, item)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = _attachment_disposition(meta["name"])
    response["Content-Security-Policy"] = "sandbox"
    return response


def _attachment_disposition(name):
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(name)}"


@confidential
@handler_required
@require_POST
def export(request, pk):
    report = _visible_case(request, pk)
    key = keys.unlocked_key(request, report.channel)
    if key is None:
        raise Http404(NOT_FOUND)
    response = HttpResponse(handling.export(report, request.user, key),
                            content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="case-{report.pk}.json"'
    return response


# The organisation admin's side ---------------------------------------------------------------

def _administered(request, org_slug):
    organisation = get_object_or_404(Organisation.objects.approved(), slug=org_slug)
    if organisation.pk not in principal_for(request).organisations_where(Role.ADMIN):
        raise Http404(NOT_FOUND)
    return organisation


def _deadline_summary(channel, now):
    """Counts and deadlines only: what an admin who is not a handler may know."""
    reports = Report.objects.filter(channel=channel, purged_at__isnull=True)
    return reports.aggregate(
        open=Count("pk", filter=~Q(status=Status.CLOSED)),
        new=Count("pk", filter=Q(status=Status.NEW)),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
        acknowledgement_overdue=Count("pk", filter=Q(acknowledged_at__isnull=True,
                                                     acknowledge_due__lte=now)),
        feedback_overdue=Count("pk", filter=Q(feedback_at__isnull=True, closed_at__isnull=True,
                                              feedback_due__lte=now)),
        next_acknowledgement=Min("acknowledge_due", filter=Q(acknowledged_at__isnull=True,
                                                             acknowledge_due__gt=now)),
        next_feedback=Min("feedback_due", filter=Q(feedback_at__isnull=True,
                                                   closed_at__isnull=True,
                                                   feedback_due__gt=now)),
    )


@confidential
@verified_email_required
@require_http_methods(["GET", "POST"])
def manage(request, org_slug):
    organisation = _administered(request, org_slug)
    principal = principal_for(request)
    recovery_key = None
    if request.method == "POST" and request.POST.get("action") == "turn_on":
        kind = request.POST.get("kind")
        with transaction.atomic():
            if kind == ChannelKind.INTERNAL:
                ch, _ = Channel.objects.get_or_create(organisation=organisation, kind=kind)
            else:  # an external channel exists only once a moderator named the body
                ch = Channel.objects.filter(organisation=organisation, kind=kind).first()
            if ch is None or ch.public_key is not None:
                raise Http404(NOT_FOUND)
            recovery_key = keys.turn_on(ch)
    elif request.method == "POST" and request.POST.get("action") == "handlers":
        _set_handlers(organisation, request.POST.getlist("handler"))
        messages.success(request, "Case handlers updated.")
        return redirect("reporting:manage", org_slug)
    channels = channel_admin_policy.visible(principal, Channel.objects.filter(
        organisation=organisation))
    now = timezone.now()
    members = Membership.objects.filter(organisation=organisation).select_related(
        "user").annotate(handler=Count("capabilities", filter=Q(
            capabilities__capability=Capability.CASE_HANDLER)))
    return render(request, "reporting/manage.html", {
        "organisation": organisation, "recovery_key": recovery_key, "members": members,
        "has_internal": channels.filter(kind=ChannelKind.INTERNAL).exists(),
        "channels": [{"channel": ch, "summary": _deadline_summary(ch, now),
                      "pending": keys.pending_grants(ch) if ch.active else [],
                      "settings_form": ChannelSettingsForm(instance=ch,
                                                           prefix=f"c{ch.pk}")}
                     for ch in channels],
    })


def _set_handlers(organisation, user_ids):
    chosen = {int(pk) for pk in user_ids if pk.isascii() and pk.isdigit()}
    with transaction.atomic():
        for membership in Membership.objects.filter(organisation=organisation):
            grant = MembershipCapability.objects.filter(membership=membership,
                                                        capability=Capability.CASE_HANDLER)
            if membership.user_id in chosen and not grant.exists():
                MembershipCapability.objects.create(membership=membership,
                                                    capability=Capability.CASE_HANDLER)
            elif membership.user_id not in chosen:
                for row in grant:
                    row.delete()  # one by one, so the readers of reports follow


def _administered_channel(request, org_slug, channel_id):
    organisation = _administered(request, org_slug)
    return get_object_or_404(channel_admin_policy.visible(
        principal_for(request), Channel.objects.filter(organisation=organisation)),
        pk=channel_id)


@confidential
@verified_email_required
@require_POST
def channel_settings(request, org_slug, channel_id):
    ch = _administered_channel(request, org_slug, channel_id)
    form = ChannelSettingsForm(request.POST, instance=ch, prefix=f"c{ch.pk}")
    if form.is_valid():
        form.save()
        messages.success(request, "Channel settings saved. New deadlines apply to new reports.")
        return redirect("reporting:manage", org_slug)
    return render(request, "reporting/channel_settings.html", {
        "channel": ch, "form": form}, status=400)


@confidential
@verified_email_required
@require_POST
def recovery_grant(request, org_slug, channel_id):
    """The organisation admin gives the channel key to a handler with the recovery key (the
    first handler has nobody else to get it from)."""
    ch = _administered_channel(request, org_slug, channel_id)
    user_id = request.POST.get("user", "")
    user = (keys.pending_grants(ch).filter(pk=user_id).first()
            if user_id.isascii() and user_id.isdigit() else None)
    form = RecoveryGrantForm(request.POST)
    if user is None or not ch.active:
        raise Http404(NOT_FOUND)
    if form.is_valid():
        try:
            key = crypto.unwrap_with_recovery_key(form.cleaned_data["recovery_key"],
                                                  ch.recovery_wrap)
            keys.grant(ch, key, user, granted_by=request.user)
            messages.success(request, f"{user.email} can now unlock the inbox.")
        except crypto.Locked:
            messages.error(request, "That recovery key does not open this channel.")
    return redirect("reporting:manage", org_slug)


# The moderator's side ----------------------------------------------------------------------

@confidential
@verified_email_required
@require_http_methods(["GET", "POST"])
def reporting_bodies(request):
    if not is_moderator(request.user):
        raise Http404(NOT_FOUND)
    form = ReportingBodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        Channel.objects.get_or_create(organisation=form.cleaned_data["organisation"],
                                      kind=ChannelKind.EXTERNAL)
        messages.success(request, f"{form.cleaned_data['organisation']} is a reporting body. "
                                  "Its admins can now turn its channel on.")
        return redirect("reporting:bodies")
    return render(request, "reporting/bodies.html", {
        "form": form, "bodies": Channel.objects.filter(kind=ChannelKind.EXTERNAL)
        .select_related("organisation")}, status=400 if form.errors else 200)
