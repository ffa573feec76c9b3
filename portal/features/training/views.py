"""The training pages: a member's own, an organisation's programme, sessions, events and the
calendar. Every object is fetched through its policy (``training.access``): what a person may
not see answers exactly as what does not exist."""

import csv

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cms.access import item_policy
from portal.core.access import principal_for
from portal.core.ids import is_id
from portal.core.organisations.models import (
    Capability,
    MembershipCapability,
    Organisation,
    Role,
)
from portal.features.training import calendar_feed, lessons, programme
from portal.features.training.access import (
    acceptable_behaviour_policy,
    assignment_policy,
    event_policy,
    managed_assignment_policy,
    registration_policy,
    runs_programme,
    session_policy,
)
from portal.features.training.evidence import evidence_rows
from portal.features.training.forms import (
    AssignmentForm,
    BehaviourPolicyForm,
    DecisionsForm,
    LessonsForm,
    ParticipantsForm,
    SelfPacedForm,
    SessionStartForm,
    TrainingEventForm,
    organisation_principal,
)
from portal.features.training.models import (
    Acknowledgement,
    BehaviourPolicy,
    CalendarFeed,
    EventRegistration,
    InjectNote,
    SelfPacedRun,
    Session,
    SessionStatus,
    TrainingEvent,
)

NOT_FOUND = "There is nothing at this address, or you may not see it."


def _visible_or_404(policy, request, queryset, pk):
    if not is_id(pk):
        raise Http404(NOT_FOUND)
    found = policy.visible(principal_for(request), queryset).filter(pk=pk).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def _programme_org_or_404(request, slug, *, admin_only=False):
    """The organisation, if the person runs its training (admins only for ``admin_only``).
    Anyone else gets the same 404 as for an organisation that does not exist."""
    organisation = Organisation.objects.approved().filter(slug=slug[:200]).first()
    principal = principal_for(request)
    allowed = organisation is not None and (
        organisation.pk in principal.organisations_where(Role.ADMIN) if admin_only
        else runs_programme(principal, organisation))
    if not allowed:
        raise Http404(NOT_FOUND)
    return organisation


def _session_or_404(request, session_id):
    session = _visible_or_404(session_policy, request,
                              Session.objects.select_related("scenario", "organisation"),
                              session_id)
    # The scenario keeps its own label: if it has since been restricted, so is its session.
    if not item_policy.can_view(principal_for(request), session.scenario):
        raise Http404(NOT_FOUND)
    return session


def _may_run(request, session):
    principal = principal_for(request)
    return (session.facilitator_id == request.user.pk
            or runs_programme(principal, session.organisation))


# A member's own training -------------------------------------------------------------------

@verified_email_required
def my_training(request):
    principal = principal_for(request)
    today = programme.today()
    policies = [p for p in acceptable_behaviour_policy.visible(principal).select_related(
        "item", "organisation").order_by("organisation_id", "-version")]
    current = {}
    for policy in policies:
        current.setdefault(policy.organisation_id, policy)
    acknowledged = set(Acknowledgement.objects.filter(
        user=request.user, policy__in=current.values()).values_list("policy_id", flat=True))
    standings = programme.standings_for_user(request.user, today)
    return render(request, "training/my_training.html", {
        "policies": [(p, p.pk in acknowledged) for p in current.values()],
        "standings": standings,
        "today": today,
        "sessions": session_policy.visible(principal).select_related("scenario")[:20],
        "registrations": registration_policy.visible(principal).filter(
            user=request.user, event__starts_at__gte=timezone.now()).select_related("event"),
        "lead_of": Organisation.objects.filter(
            pk__in=principal.organisations_where(Role.ADMIN, Capability.TRAINING_LEAD)),
    })


@verified_email_required
@require_POST
def acknowledge(request, policy_id):
    policy = _visible_or_404(acceptable_behaviour_policy, request,
                             BehaviourPolicy.objects.all(), policy_id)
    if BehaviourPolicy.current(policy.organisation).pk != policy.pk:
        messages.error(request, "A newer version of this policy has replaced it.")
        return redirect("my-training")
    Acknowledgement.objects.get_or_create(policy=policy, user=request.user,
                                          defaults={"organisation": policy.organisation})
    messages.success(request, f"You acknowledged the acceptable-behaviour policy of "
                              f"{policy.organisation}, version {policy.version}.")
    return redirect("my-training")


@verified_email_required
@require_http_methods(["GET", "POST"])
def practise(request, assignment_id):
    """Work through an assigned scenario alone; submitting completes the assignment."""
    assignment = _visible_or_404(assignment_policy, request,
                                 assignment_policy.model.objects.select_related(
                                     "scenario", "organisation"), assignment_id)
    scenario = assignment.scenario
    if not assignment.active or not item_policy.can_view(principal_for(request), scenario):
        raise Http404(NOT_FOUND)
    form = SelfPacedForm(request.POST or None, scenario=scenario)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            run = SelfPacedRun.objects.create(assignment=assignment, user=request.user,
                                              organisation=assignment.organisation,
                                              answers=form.answers())
            programme.complete(assignment.organisation, scenario.pk, [request.user],
                               programme.today(), run=run, assignment=assignment)
        messages.success(request, "Your answers are saved and the training is complete.")
        return redirect("my-training")
    return render(request, "training/practise.html",
                  {"assignment": assignment, "scenario": scenario, "form": form},
                  status=400 if form.errors else 200)


# An organisation's programme ---------------------------------------------------------------

@verified_email_required
def dashboard(request, slug):
    organisation = _programme_org_or_404(request, slug)
    today = programme.today()
    principal = principal_for(request)
    return render(request, "training/dashboard.html", {
        "organisation": organisation,
        "coverage": programme.coverage(organisation, today),
        "acknowledgements": programme.acknowledgements(organisation),
        "sessions": session_policy.visible(principal).filter(
            organisation=organisation).select_related("scenario", "facilitator"),
        "today": today,
        "is_admin": organisation.pk in principal.organisations_where(Role.ADMIN),
    })


@verified_email_required
def evidence_csv(request, slug):
    organisation = _programme_org_or_404(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="training-evidence-{organisation.slug}.csv"')
    writer = csv.writer(response)
    for row in evidence_rows(organisation, programme.today()):
        writer.writerow(row)
    return response


@verified_email_required
@require_http_methods(["GET", "POST"])
def new_policy(request, slug):
    organisation = _programme_org_or_404(request, slug)
    principal = organisation_principal(organisation)
    form = BehaviourPolicyForm(request.POST or None, organisation=organisation,
                               principal=principal)
    if request.method == "POST" and form.is_valid():
        current = BehaviourPolicy.current(organisation)
        form.instance.organisation = organisation
        form.instance.version = (current.version + 1) if current else 1
        form.instance.published_by = request.user
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:  # another version was published at the same moment
            messages.error(request, "Another version was just published; please check it.")
            return redirect("training-dashboard", slug=slug)
        messages.success(request, f"Version {form.instance.version} published: every member "
                                  "is asked to acknowledge it.")
        return redirect("training-dashboard", slug=slug)
    return render(request, "training/form.html", {
        "organisation": organisation, "form": form,
        "heading": "Publish an acceptable-behaviour policy",
        "button": "Publish and ask everyone to acknowledge"},
        status=400 if form.errors else 200)


@verified_email_required
@require_http_methods(["GET", "POST"])
def new_assignment(request, slug):
    organisation = _programme_org_or_404(request, slug)
    form = AssignmentForm(request.POST or None, organisation=organisation,
                          principal=organisation_principal(organisation))
    if request.method == "POST" and form.is_valid():
        form.instance.organisation = organisation
        form.instance.created_by = request.user
        form.save()
        messages.success(request, "Training assigned.")
        return redirect("training-dashboard", slug=slug)
    return render(request, "training/form.html", {
        "organisation": organisation, "form": form, "heading": "Assign a training scenario",
        "button": "Assign"}, status=400 if form.errors else 200)


@verified_email_required
@require_POST
def end_assignment(request, assignment_id):
    assignment = _visible_or_404(managed_assignment_policy, request,
                                 managed_assignment_policy.model.objects.all(), assignment_id)
    assignment.active = False
    assignment.save(update_fields=["active"])
    messages.success(request, "The assignment has ended; its record is kept.")
    return redirect("training-dashboard", slug=assignment.organisation.slug)


@verified_email_required
@require_http_methods(["GET", "POST"])
def training_leads(request, slug):
    """Organisation admins give and take back the training-lead capability."""
    organisation = _programme_org_or_404(request, slug, admin_only=True)
    memberships = organisation.memberships.select_related("user").order_by("user__email")
    if request.method == "POST":
        chosen = request.POST.get("membership", "")
        membership = memberships.filter(pk=chosen).first() if is_id(chosen) else None
        if membership is None:
            raise Http404(NOT_FOUND)
        grant = {"membership": membership, "capability": Capability.TRAINING_LEAD}
        if request.POST.get("lead") == "1":
            MembershipCapability.objects.get_or_create(**grant)
            messages.success(request, f"{membership.user.email} is now a training lead.")
        else:
            MembershipCapability.objects.filter(**grant).delete()
            messages.success(request, f"{membership.user.email} is no longer a training lead.")
        return redirect("training-leads", slug=slug)
    leads = set(MembershipCapability.objects.filter(
        membership__organisation=organisation, capability=Capability.TRAINING_LEAD)
        .values_list("membership_id", flat=True))
    return render(request, "training/leads.html", {
        "organisation": organisation,
        "memberships": [(m, m.pk in leads) for m in memberships]})


# Facilitated sessions ----------------------------------------------------------------------

@verified_email_required
@require_http_methods(["GET", "POST"])
def start_session(request, slug):
    organisation = _programme_org_or_404(request, slug)
    form = SessionStartForm(request.POST or None, organisation=organisation,
                            principal=organisation_principal(organisation))
    if request.method == "POST" and form.is_valid():
        form.instance.organisation = organisation
        form.instance.facilitator = request.user
        session = form.save()
        return redirect("training-session-step", session_id=session.pk, position=1)
    return render(request, "training/form.html", {
        "organisation": organisation, "form": form, "heading": "Start a facilitated session",
        "button": "Start the session"}, status=400 if form.errors else 200)


@verified_email_required
@require_http_methods(["GET", "POST"])
def session_detail(request, session_id):
    session = _session_or_404(request, session_id)
    may_run = _may_run(request, session)
    form = ParticipantsForm(request.POST or None, instance=session) if may_run else None
    if request.method == "POST":
        if form is None or session.is_finished:
            raise Http404(NOT_FOUND)
        if form.is_valid():
            form.save()
            messages.success(request, "Participants saved.")
            return redirect("training-session", session_id=session.pk)
    return render(request, "training/session.html", {
        "session": session, "may_run": may_run, "form": form,
        "notes": session.notes.all(), "participants": session.participants.order_by("email"),
        "steps": list(session.scenario.injects)}, status=400 if form and form.errors else 200)


@verified_email_required
@require_http_methods(["GET", "POST"])
def session_step(request, session_id, position):
    """One inject on the shared screen: the situation, the questions, a timer and the
    group's decisions. ``position`` counts from 1."""
    session = _session_or_404(request, session_id)
    if not _may_run(request, session) or session.is_finished:
        raise Http404(NOT_FOUND)
    steps = list(session.scenario.injects)
    if not 1 <= position <= len(steps):
        raise Http404("There is no such step in this scenario.")
    note = session.notes.filter(position=position - 1).first()
    form = DecisionsForm(request.POST or None,
                         initial={"decisions": note.decisions if note else ""})
    if request.method == "POST" and form.is_valid():
        InjectNote.objects.update_or_create(
            session=session, position=position - 1,
            defaults={"decisions": form.cleaned_data["decisions"]})
        if "previous" in request.POST and position > 1:
            return redirect("training-session-step", session_id=session.pk,
                            position=position - 1)
        if position < len(steps):
            return redirect("training-session-step", session_id=session.pk,
                            position=position + 1)
        return redirect("training-session-finish", session_id=session.pk)
    inject = steps[position - 1].value
    return render(request, "training/step.html", {
        "session": session, "inject": inject, "position": position, "count": len(steps),
        "form": form, "minutes": max(1, session.scenario.duration_minutes // len(steps)),
    }, status=400 if form.errors else 200)


@verified_email_required
@require_http_methods(["GET", "POST"])
def session_finish(request, session_id):
    session = _session_or_404(request, session_id)
    if not _may_run(request, session) or session.is_finished:
        raise Http404(NOT_FOUND)
    form = LessonsForm(request.POST or None, initial={"lessons": session.lessons})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            finished = Session.objects.filter(pk=session.pk, status=SessionStatus.RUNNING).update(
                status=SessionStatus.FINISHED, finished_at=timezone.now(),
                lessons=form.cleaned_data["lessons"])
            if finished:  # only the first of two concurrent submissions records completions
                count = programme.complete(session.organisation, session.scenario_id,
                                           list(session.participants.all()),
                                           programme.today(), session=session)
                messages.success(request, f"Session complete: training recorded for {count} "
                                          f"assignment{'s' if count != 1 else ''}.")
        return redirect("training-session", session_id=session.pk)
    return render(request, "training/finish.html", {"session": session, "form": form},
                  status=400 if form.errors else 200)


@verified_email_required
@require_POST
def session_case_study(request, session_id):
    """From a finished session: a draft case study in the organisation's section, submitted
    to its moderation workflow."""
    session = _session_or_404(request, session_id)
    if not _may_run(request, session) or not session.is_finished:
        raise Http404(NOT_FOUND)
    if session.case_study_id is None:
        lessons.draft_case_study(session, request.user)
        messages.success(request, "A draft case study is waiting for your organisation's "
                                  "publishers to review it.")
    return redirect("training-session", session_id=session.pk)


# Community events --------------------------------------------------------------------------

def _publishing_organisations(request):
    principal = principal_for(request)
    return Organisation.objects.approved().filter(
        pk__in=principal.organisations_where(Role.PUBLISHER, Role.ADMIN),
        organisation_type__in=TrainingEvent.PUBLISHER_TYPES)


def events(request):
    principal = principal_for(request)
    upcoming = event_policy.visible(principal).filter(
        ends_at__gte=timezone.now()).select_related("organisation")
    return render(request, "training/events.html", {
        "events": upcoming,
        "may_publish": request.user.is_authenticated
        and _publishing_organisations(request).exists()})


@verified_email_required
@require_http_methods(["GET", "POST"])
def new_event(request):
    organisations = _publishing_organisations(request)
    if not organisations:
        raise Http404(NOT_FOUND)
    form = TrainingEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.organisation = organisations[0]
        form.instance.created_by = request.user
        event = form.save()
        messages.success(request, "Event published.")
        return redirect("training-event", event_id=event.pk)
    return render(request, "training/form.html", {
        "form": form, "heading": f"Publish a training event for {organisations[0]}",
        "button": "Publish the event"}, status=400 if form.errors else 200)


def event_detail(request, event_id):
    event = _visible_or_404(event_policy, request,
                            TrainingEvent.objects.select_related("organisation"), event_id)
    principal = principal_for(request)
    # Publishers of the event see who registered; everyone else at most themselves.
    registrations = registration_policy.visible(principal).filter(
        event=event).select_related("user").order_by("user__email")
    return render(request, "training/event.html", {
        "event": event, "taken": event.registrations.count(),
        "registered": any(r.user_id == principal.user_id for r in registrations),
        "registrations": [r for r in registrations if r.user_id != principal.user_id],
    })


@verified_email_required
@require_POST
def register(request, event_id):
    with transaction.atomic():
        event = _visible_or_404(event_policy, request,
                                TrainingEvent.objects.select_for_update(), event_id)
        if "cancel" in request.POST:
            EventRegistration.objects.filter(event=event, user=request.user).delete()
            messages.success(request, "Your registration is cancelled.")
        elif EventRegistration.objects.filter(event=event, user=request.user).exists():
            messages.info(request, "You are already registered.")
        elif event.registrations.count() >= event.capacity:
            messages.error(request, "Sorry, this event is full.")
        else:
            EventRegistration.objects.create(event=event, user=request.user,
                                             organisation=event.organisation)
            messages.success(request, "You are registered.")
    return redirect("training-event", event_id=event.pk)


# The calendar feed -------------------------------------------------------------------------

@verified_email_required
@require_http_methods(["GET", "POST"])
def calendar(request):
    feed_url = None
    if request.method == "POST":
        token = CalendarFeed.reset(request.user)
        feed_url = request.build_absolute_uri(reverse("training-calendar-feed", args=[token]))
    return render(request, "training/calendar.html", {
        "feed_url": feed_url,
        "has_feed": CalendarFeed.objects.filter(user=request.user).exists()})


def calendar_feed_view(request, token):
    user = CalendarFeed.user_for(token)
    if user is None:
        raise Http404(NOT_FOUND)
    response = HttpResponse(calendar_feed.build(user), content_type="text/calendar; "
                                                                       "charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response

