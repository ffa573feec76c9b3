"""Training programmes: policies, assignments, sessions, self-paced runs, reminders, events,
the calendar feed and the evidence, with access for every new kind of object."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cms.models import CaseStudyPage, ScenarioPage
from portal.core.access import principal_for_user
from portal.core.organisations.models import Capability, Membership, Role
from portal.core.tlp import TLP
from portal.features.training import programme, reminders
from portal.features.training.access import (
    acknowledgement_policy,
    assignment_policy,
    completion_policy,
    event_policy,
    managed_assignment_policy,
    registration_policy,
    run_policy,
    session_policy,
)
from portal.features.training.models import (
    Acknowledgement,
    Assignment,
    Audience,
    BehaviourPolicy,
    Completion,
    EventRegistration,
    InjectNote,
    ReminderDelivery,
    SelfPacedRun,
    Session,
    SessionStatus,
    TrainingEvent,
)
from tests.world import make_item, make_user

pytestmark = pytest.mark.django_db

INJECTS = [
    {"type": "inject", "value": {"time": "T+0", "situation": "<p>A request arrives.</p>",
                                 "questions": ["Who decides?", "What do we record?"]}},
    {"type": "inject", "value": {"time": "T+30", "situation": "<p>Pressure mounts.</p>",
                                 "questions": ["Does the deadline change anything?"]}},
]


def make_scenario(org, label=TLP.GREEN, title="Drill: a licence request"):
    return make_item(org, label, title, cls=ScenarioPage, injects=INJECTS,
                     duration_minutes=30)


class Programme:
    """A source organisation running training, and an outsider."""


@pytest.fixture
def prog(world):
    p = Programme()
    p.world = world
    p.org = world.orgs["source"]
    p.other_org = world.orgs["other"]
    p.admin = make_user("admin@training.test", org=p.org, role=Role.ADMIN)
    p.lead = make_user("lead@training.test", org=p.org, role=Role.MEMBER)
    Membership.objects.get(user=p.lead).capabilities.create(
        capability=Capability.TRAINING_LEAD)
    p.member = world.users["source_member"]
    p.colleague = world.users["contributor"]
    p.outsider = world.users["other_member"]
    p.other_admin = make_user("admin@other.test", org=p.other_org, role=Role.ADMIN)
    p.scenario = make_scenario(p.org, TLP.AMBER_STRICT)
    # Everyone joined well before the assignment below was made (joiners are tested apart).
    Membership.objects.update(created_at=timezone.now() - timedelta(days=60))
    p.policy_item = world.items[TLP.AMBER_STRICT]
    p.policy = BehaviourPolicy.objects.create(organisation=p.org, version=1,
                                              item=p.policy_item, published_by=p.admin)
    p.assignment = Assignment.objects.create(
        organisation=p.org, scenario=p.scenario, due_on=date.today() + timedelta(days=20),
        recurrence=12, created_by=p.admin,
        created_at=timezone.now() - timedelta(days=1))
    p.session = Session.objects.create(organisation=p.org, scenario=p.scenario,
                                       facilitator=p.lead)
    p.session.participants.set([p.member])
    p.run = SelfPacedRun.objects.create(assignment=p.assignment, user=p.colleague,
                                        organisation=p.org, answers=[])
    p.completion = Completion.objects.create(assignment=p.assignment, user=p.colleague,
                                             organisation=p.org, completed_on=date.today(),
                                             run=p.run)
    p.ack = Acknowledgement.objects.create(policy=p.policy, user=p.member, organisation=p.org)
    p.event = TrainingEvent.objects.create(
        organisation=p.other_org, title="Northern exercise day", starts_at=timezone.now()
        + timedelta(days=10), ends_at=timezone.now() + timedelta(days=10, hours=6),
        place="Hall 1", capacity=2, tlp=TLP.GREEN)
    p.registration = EventRegistration.objects.create(event=p.event, user=p.member,
                                                      organisation=p.other_org)
    return p


def ids(policy, user):
    return set(policy.visible(principal_for_user(user)).values_list("pk", flat=True))


def test_each_policy_filter_and_predicate_agree_for_everyone(prog):
    people = [*prog.world.users.values(), prog.admin, prog.lead, prog.other_admin]
    for policy in (acknowledgement_policy, assignment_policy, managed_assignment_policy,
                   completion_policy, run_policy, session_policy, event_policy,
                   registration_policy):
        for user in people:
            who = principal_for_user(user)
            by_filter = ids(policy, user)
            by_predicate = {o.pk for o in policy.model.objects.all()
                            if policy.can_view(who, o)}
            assert by_filter == by_predicate, (policy, user.email)


def test_who_sees_which_training_object(prog):
    p = prog
    # Members see their own records; admins and training leads their organisation's.
    assert ids(acknowledgement_policy, p.member) == {p.ack.pk}
    assert ids(acknowledgement_policy, p.colleague) == set()
    assert ids(acknowledgement_policy, p.admin) == ids(acknowledgement_policy, p.lead) == {
        p.ack.pk}
    assert ids(completion_policy, p.colleague) == {p.completion.pk}
    assert ids(completion_policy, p.member) == set()
    assert ids(run_policy, p.lead) == {p.run.pk}
    # Members see their organisation's assignments; only admins and leads manage them.
    assert ids(assignment_policy, p.member) == {p.assignment.pk}
    assert ids(managed_assignment_policy, p.member) == set()
    assert ids(managed_assignment_policy, p.lead) == {p.assignment.pk}
    # Facilitators and participants see their sessions, colleagues do not.
    assert ids(session_policy, p.lead) == ids(session_policy, p.member) == {p.session.pk}
    assert ids(session_policy, p.colleague) == set()
    assert ids(session_policy, p.admin) == {p.session.pk}
    # Other organisations see nothing of it; anonymous and unverified people neither.
    for user in (p.outsider, p.other_admin, p.world.users["unverified"],
                 p.world.users["moderator"]):
        for policy in (acknowledgement_policy, assignment_policy, managed_assignment_policy,
                       completion_policy, run_policy, session_policy):
            assert ids(policy, user) == set(), (policy, user.email)
    # Registrations: the person and the event's organisation's publishers and admins.
    assert ids(registration_policy, p.member) == {p.registration.pk}
    assert ids(registration_policy, p.other_admin) == {p.registration.pk}
    assert ids(registration_policy, p.admin) == set()


# Every training address: a restricted object answers exactly as a missing one ---------------

def training_routes():
    from portal.features.training import urls

    for pattern in urls.urlpatterns:
        yield pattern.name, list(pattern.pattern.converters)


def _normalised(response):
    import re

    body = response.content.decode(errors="replace")
    return response.status_code, re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def _kwargs(p, names, missing):
    real = {"policy_id": p.policy.pk, "assignment_id": p.assignment.pk,
            "session_id": p.session.pk, "position": 1, "event_id": p.event.pk,
            "slug": p.org.slug, "token": "x"}
    fake = {"policy_id": 999999, "assignment_id": 999999, "session_id": 999999, "position": 1,
            "event_id": 999999, "slug": "no-such-organisation", "token": "x"}
    return {name: (fake if missing else real)[name] for name in names}


@pytest.mark.parametrize("who", ["outsider", "other_admin", "anonymous", "unverified"])
def test_every_route_answers_restricted_as_missing(prog, client, who):
    p = prog
    user = {"outsider": p.outsider, "other_admin": p.other_admin, "anonymous": None,
            "unverified": p.world.users["unverified"]}[who]
    checked = 0
    before = {m: m.objects.count() for m in (Acknowledgement, Assignment, Session,
                                             InjectNote, Completion, SelfPacedRun,
                                             EventRegistration, CaseStudyPage)}
    for name, params in training_routes():
        if not params or "token" in params:
            continue
        if "event_id" in params and who in ("outsider", "other_admin"):
            continue  # TLP:GREEN: visible to them, tested below
        for method in ("get", "post"):
            answers = []
            for missing in (False, True):
                client.logout()
                if user is not None:
                    client.force_login(user)
                url = reverse(name, kwargs=_kwargs(p, params, missing))
                answers.append(_normalised(getattr(client, method)(url, {"lessons": "x"})))
            assert answers[0] == answers[1], (who, name, method, answers[0][0])
            assert answers[0][0] in (302, 404, 405, 200), (who, name, method, answers[0][0])
            checked += 1
    assert checked >= 24
    after = {m: m.objects.count() for m in before}
    assert before == after
    p.session.refresh_from_db()
    assert p.session.status == SessionStatus.RUNNING


# The journeys ------------------------------------------------------------------------------

def test_admin_publishes_a_new_policy_version_and_everyone_is_asked_again(prog, client):
    p = prog
    client.force_login(p.member)
    page = client.get(reverse("my-training")).content.decode()
    assert "You have acknowledged version 1" in page
    client.force_login(p.admin)
    response = client.post(reverse("training-policy-new", args=[p.org.slug]),
                           {"item": p.policy_item.pk, "note": "New gifts rule"})
    assert response.status_code == 302
    assert BehaviourPolicy.current(p.org).version == 2
    state = programme.acknowledgements(p.org)
    assert state.acknowledged == [] and p.member.pk in {m.user_id for m in state.outstanding}
    client.force_login(p.member)
    page = client.get(reverse("my-training")).content.decode()
    assert "I have read and will follow version 2" in page
    assert client.post(reverse("training-acknowledge", args=[p.policy.pk])).status_code == 302
    assert not Acknowledgement.objects.filter(policy__version=2).exists()  # old one refused
    new = BehaviourPolicy.current(p.org)
    client.post(reverse("training-acknowledge", args=[new.pk]))
    client.post(reverse("training-acknowledge", args=[new.pk]))  # twice is once
    assert Acknowledgement.objects.filter(policy=new).count() == 1
    client.force_login(p.admin)
    page = client.get(reverse("training-dashboard", args=[p.org.slug])).content.decode()
    assert "Acknowledged by 1 of" in page
    assert p.colleague.email in page  # not yet acknowledged


def test_policy_text_may_be_only_the_organisations_own_item_or_a_visible_standard(prog, client):
    p = prog
    client.force_login(p.admin)
    foreign = make_item(p.other_org, TLP.GREEN, "Someone else's guidance")
    response = client.post(reverse("training-policy-new", args=[p.org.slug]),
                           {"item": foreign.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_assigning_to_roles_or_people_and_the_member_sees_it(prog, client):
    p = prog
    client.force_login(p.lead)
    due = (date.today() + timedelta(days=40)).isoformat()
    response = client.post(reverse("training-assignment-new", args=[p.org.slug]), {
        "scenario": p.scenario.pk, "audience": Audience.ROLES, "roles": ["contributor"],
        "due_on": due, "recurrence": 3})
    assert response.status_code == 302, response.content.decode()[:2000]
    by_role = Assignment.objects.latest("pk")
    assert [s.user for s in programme.standings([by_role], programme.current_memberships(
        [p.org.pk]), date.today())[by_role.pk]] == [p.colleague]
    response = client.post(reverse("training-assignment-new", args=[p.org.slug]), {
        "scenario": p.scenario.pk, "audience": Audience.PEOPLE, "due_on": due,
        "recurrence": 0})
    assert response.status_code == 400 and "Choose at least one member" in (
        response.content.decode())
    response = client.post(reverse("training-assignment-new", args=[p.org.slug]), {
        "scenario": p.scenario.pk, "audience": Audience.ALL,
        "due_on": (date.today() - timedelta(days=1)).isoformat(), "recurrence": 12})
    assert response.status_code == 400 and "cannot be in the past" in response.content.decode()
    # A scenario another organisation keeps to itself cannot be assigned.
    secret = make_scenario(p.other_org, TLP.AMBER_STRICT, "Their secret drill")
    response = client.post(reverse("training-assignment-new", args=[p.org.slug]), {
        "scenario": secret.pk, "audience": Audience.ALL, "due_on": due, "recurrence": 12})
    assert response.status_code == 400
    client.force_login(p.colleague)
    page = client.get(reverse("my-training")).content.decode()
    row = f'<td data-label="Scenario">{p.scenario.title}<br>'
    assert page.count(row) == 2  # for all members, for the role


def test_self_paced_run_completes_the_assignment(prog, client):
    p = prog
    client.force_login(p.member)
    url = reverse("training-practise", args=[p.assignment.pk])
    page = client.get(url).content.decode()
    assert "Who decides?" in page and "Does the deadline change anything?" in page
    response = client.post(url, {"answer_0_0": "The director", "answer_0_1": ""})
    assert response.status_code == 400
    response = client.post(url, {"answer_0_0": "The director", "answer_0_1": "Everything",
                                 "answer_1_0": "No"})
    assert response.status_code == 302
    run = SelfPacedRun.objects.get(user=p.member)
    assert run.answers[0] == {"step": 0, "question": "Who decides?", "answer": "The director"}
    [standing] = programme.standings_for_user(p.member, date.today())
    assert standing.state == programme.DONE
    assert standing.next_due == programme.add_months(date.today(), 12)


def test_facilitated_session_end_to_end_completes_for_participants(prog, client):
    p = prog
    client.force_login(p.lead)
    response = client.post(reverse("training-session-new", args=[p.org.slug]), {
        "scenario": p.scenario.pk, "participants": [p.member.pk, p.admin.pk]})
    session = Session.objects.latest("pk")
    assert response.url == reverse("training-session-step", args=[session.pk, 1])
    step = client.get(response.url).content.decode()
    assert "A request arrives." in step and "Who decides?" in step and 'data-minutes="15"' in step
    assert "<script>" not in step.split("</header>")[1]  # no inline script
    response = client.post(response.url, {"decisions": "Escalate to the director"})
    assert response.url == reverse("training-session-step", args=[session.pk, 2])
    response = client.post(response.url, {"decisions": "Hold the line", "previous": "1"})
    assert response.url == reverse("training-session-step", args=[session.pk, 1])
    response = client.post(reverse("training-session-step", args=[session.pk, 2]),
                           {"decisions": "Hold the line"})
    assert response.url == reverse("training-session-finish", args=[session.pk])
    assert client.get(reverse("training-session-step", args=[session.pk, 3])).status_code == 404
    # A participant follows the session but does not run it.
    client.force_login(p.member)
    assert client.get(reverse("training-session", args=[session.pk])).status_code == 200
    assert client.get(reverse("training-session-step", args=[session.pk, 1])).status_code == 404
    client.force_login(p.lead)
    assert client.post(reverse("training-session-finish", args=[session.pk]),
                       {"lessons": ""}).status_code == 400
    client.post(reverse("training-session-finish", args=[session.pk]),
                {"lessons": "Write down who decides."})
    session.refresh_from_db()
    assert session.is_finished and session.lessons == "Write down who decides."
    done = set(Completion.objects.filter(session=session).values_list("user_id", flat=True))
    assert done == {p.member.pk, p.admin.pk}
    # Finishing again records nothing more.
    assert client.post(reverse("training-session-finish", args=[session.pk]),
                       {"lessons": "again"}).status_code == 404
    assert Completion.objects.filter(session=session).count() == 2
    page = client.get(reverse("training-dashboard", args=[p.org.slug])).content.decode()
    assert "facilitated by lead@training.test (finished)" in page


def test_lessons_become_a_draft_case_study_in_moderation(prog, client):
    from wagtail.models import WorkflowState

    p = prog
    session = p.session
    InjectNote.objects.create(session=session, position=0, decisions="Ask legal first")
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.FINISHED,
                                                 finished_at=timezone.now(),
                                                 lessons="Decide <who> decides.")
    client.force_login(p.member)  # a participant may not draft it
    assert client.post(reverse("training-session-case-study", args=[session.pk])
                       ).status_code == 404
    client.force_login(p.lead)
    assert client.post(reverse("training-session-case-study", args=[session.pk])
                       ).status_code == 302
    client.post(reverse("training-session-case-study", args=[session.pk]))  # once only
    [page] = CaseStudyPage.objects.filter(title__startswith="Lessons from")
    assert not page.live and page.has_unpublished_changes
    assert page.tlp == TLP.AMBER_STRICT and page.source_organisation == p.org
    assert page.get_parent().specific.organisation == p.org
    draft = page.get_latest_revision_as_object()
    assert "Ask legal first" in str(draft.body.raw_data)
    assert "Decide &lt;who&gt; decides." in str(draft.lessons.raw_data)
    state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(page.pk))
    assert state.status == "in_progress"
    assert state.workflow == page.get_workflow()
    assert state.current_task_state.task.specific.groups.get() == p.org.publishers_group
    session.refresh_from_db()
    assert session.case_study_id == page.pk
    # Not published, so nobody outside the editor sees it.
    client.force_login(p.member)
    assert client.get(page.url or "/nowhere/").status_code == 404


def test_training_leads_are_granted_by_admins_only(prog, client):
    p = prog
    membership = Membership.objects.get(user=p.colleague, organisation=p.org)
    client.force_login(p.lead)
    assert client.get(reverse("training-leads", args=[p.org.slug])).status_code == 404
    client.force_login(p.admin)
    client.post(reverse("training-leads", args=[p.org.slug]),
                {"membership": membership.pk, "lead": "1"})
    assert membership.has_capability(Capability.TRAINING_LEAD)
    client.force_login(p.colleague)
    assert client.get(reverse("training-dashboard", args=[p.org.slug])).status_code == 200
    client.force_login(p.admin)
    client.post(reverse("training-leads", args=[p.org.slug]),
                {"membership": membership.pk, "lead": "0"})
    assert not membership.has_capability(Capability.TRAINING_LEAD)
    other = Membership.objects.get(user=p.outsider)
    assert client.post(reverse("training-leads", args=[p.org.slug]),
                       {"membership": other.pk, "lead": "1"}).status_code == 404
    assert not other.capabilities.exists()


# Joiners, leavers and the clock ------------------------------------------------------------

def test_joiners_get_standing_assignments_and_leavers_drop_out(prog):
    p = prog
    on = date.today()
    joiner = make_user("joiner@training.test", org=p.org, role=Role.MEMBER)
    [standing] = programme.standings_for_user(joiner, on)
    assert standing.assignment == p.assignment and standing.state == programme.DUE
    assert standing.next_due == max(p.assignment.due_on,
                                    on + timedelta(days=programme.JOINER_DAYS))
    before = next(c for c in programme.coverage(p.org, on) if c.assignment == p.assignment)
    assert joiner.pk in {s.user.pk for s in before.standings}
    done_before = len(before.done)
    assert done_before == 1  # the colleague's completion
    Membership.objects.filter(user=p.colleague, organisation=p.org).delete()
    after = next(c for c in programme.coverage(p.org, on) if c.assignment == p.assignment)
    assert p.colleague.pk not in {s.user.pk for s in after.standings}
    assert len(after.done) == 0 and len(after.standings) == len(before.standings) - 1
    assert programme.standings_for_user(p.colleague, on) == []
    # Their record stays for the audit trail.
    assert Completion.objects.filter(user=p.colleague).exists()


def test_recurrence_across_a_year_with_the_clock_moved(prog, client, monkeypatch):
    """A quarterly assignment followed day by day for a year: due, done, due again, overdue."""
    p = prog
    start = date(2027, 1, 4)
    quarterly = Assignment.objects.create(
        organisation=p.org, scenario=p.scenario, due_on=start + timedelta(days=14),
        recurrence=3, created_at=timezone.now() - timedelta(days=400))
    Assignment.objects.filter(pk=p.assignment.pk).update(active=False)

    def state_on(day):
        monkeypatch.setattr(programme, "today", lambda: day)
        [standing] = programme.standings_for_user(p.member, programme.today())
        assert standing.assignment == quarterly
        return standing

    assert state_on(start).state == programme.DUE
    assert state_on(start + timedelta(days=15)).state == programme.OVERDUE
    Completion.objects.create(assignment=quarterly, user=p.member, organisation=p.org,
                              completed_on=start + timedelta(days=20))
    standing = state_on(start + timedelta(days=21))
    assert standing.state == programme.DONE and standing.next_due == date(2027, 4, 24)
    assert state_on(date(2027, 4, 24)).state == programme.DONE
    assert state_on(date(2027, 4, 25)).state == programme.OVERDUE
    Completion.objects.create(assignment=quarterly, user=p.member, organisation=p.org,
                              completed_on=date(2027, 5, 31))
    assert state_on(date(2027, 6, 1)).next_due == date(2027, 8, 31)
    assert state_on(date(2027, 9, 1)).state == programme.OVERDUE
    # The member's page and the dashboard read the same clock.
    client.force_login(p.member)
    assert "Overdue" in client.get(reverse("my-training")).content.decode()
    client.force_login(p.admin)
    page = client.get(reverse("training-dashboard", args=[p.org.slug])).content.decode()
    assert "due 31 Aug 2027" in page
    assert programme.add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


# Reminders ---------------------------------------------------------------------------------

def test_reminders_before_due_when_overdue_and_the_monday_summary(prog):
    p = prog
    due = p.assignment.due_on
    seven_before = reminders.lines_for_day(due - timedelta(days=7))
    assert {"kind": "upcoming", "due": due.isoformat()} in seven_before[p.member.pk]
    assert p.colleague.pk not in seven_before  # done, and not due again for a year
    assert p.member.pk not in reminders.lines_for_day(due - timedelta(days=3))
    assert reminders.lines_for_day(due + timedelta(days=1))[p.member.pk] == [
        {"kind": "overdue", "due": due.isoformat()}]
    assert p.member.pk in reminders.lines_for_day(due + timedelta(days=8))
    assert p.member.pk not in reminders.lines_for_day(due + timedelta(days=9))
    monday = due + timedelta(days=7 - due.weekday())
    summary = [line for line in reminders.lines_for_day(monday)[p.admin.pk]
               if line["kind"] == "summary"]
    assert summary and summary[0]["organisation"] == p.org.name
    assert summary[0]["count"] == len([s for s in programme.coverage(p.org, monday)[0].standings
                                       if s.state == programme.OVERDUE])
    # Nothing restricted goes into a line: dates, counts and public organisation names.
    assert p.scenario.title not in str(reminders.lines_for_day(monday))


def test_one_training_email_per_person_per_day_gathered_and_not_repeated(prog):
    from portal.features.training.tasks import send_reminders

    p = prog
    second = Assignment.objects.create(organisation=p.org, scenario=p.scenario,
                                       due_on=p.assignment.due_on, recurrence=0,
                                       created_at=timezone.now() - timedelta(days=1))
    day = (p.assignment.due_on - timedelta(days=7)).isoformat()
    mail.outbox.clear()
    send_reminders(day)
    send_reminders(day)
    to_member = [m for m in mail.outbox if m.to == [p.member.email]]
    assert len(to_member) == 1
    assert to_member[0].body.count(f"is due on {p.assignment.due_on.isoformat()}") == 2
    assert p.scenario.title not in to_member[0].body
    assert len(mail.outbox) == ReminderDelivery.objects.filter(status="sent").count()
    assert second.pk


def test_people_who_turned_training_emails_off_get_none(prog):
    from portal.core.notifications.models import Preference
    from portal.features.training.apps import REMINDERS

    p = prog
    Preference.objects.create(user=p.member, kind=REMINDERS, email=False)
    assert p.member.pk not in reminders.lines_for_day(p.assignment.due_on - timedelta(days=7))


@pytest.mark.services
def test_reminders_on_a_real_worker_exactly_once_through_drops_repeats_and_a_dead_worker(
    fresh_world, celery_worker_on_redis, settings
):
    import time

    from portal.features.training.models import DeliveryStatus
    from portal.features.training.tasks import send_reminders, sweep_reminders
    from tests.mail_backends import FlakyBackend

    def wait_for(condition, timeout=60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.1)
        return False

    settings.EMAIL_BACKEND = "tests.mail_backends.FlakyBackend"
    settings.TRAINING_RETRY_BACKOFF = 1
    FlakyBackend.sent, FlakyBackend.failed, FlakyBackend.fail_after = 0, False, 1
    org = fresh_world.orgs["source"]
    Membership.objects.update(created_at=timezone.now() - timedelta(days=60))
    scenario = make_scenario(org, TLP.GREEN)
    today = programme.today()
    Assignment.objects.create(organisation=org, scenario=scenario,
                              due_on=today + timedelta(days=7), recurrence=12,
                              created_at=timezone.now() - timedelta(days=30))
    members = set(Membership.objects.filter(organisation=org, user__is_active=True)
                  .values_list("user__email", flat=True))
    assert len(members) >= 3

    send_reminders.delay()  # today: a week before the due date
    assert wait_for(lambda: ReminderDelivery.objects.filter(
        day=today, status=DeliveryStatus.SENT).count() == len(members)), "not all sent"
    assert FlakyBackend.failed  # the connection dropped mid-chunk and the retry recovered
    assert sorted(m.to[0] for m in mail.outbox) == sorted(members)
    send_reminders.delay(today.isoformat())  # the same day again: nothing more
    sweep_reminders.delay()
    time.sleep(3)
    assert len(mail.outbox) == len(members)

    # A later day: a worker claimed one delivery and died; another was never picked up.
    overdue_day = today + timedelta(days=8)
    reminders.fan_out(overdue_day)
    held, *rest = ReminderDelivery.objects.filter(day=overdue_day).order_by("user_id")
    ReminderDelivery.objects.filter(pk=held.pk).update(
        status=DeliveryStatus.SENDING, claim="dead-worker",
        claimed_at=timezone.now() - timedelta(hours=1))
    mail.outbox.clear()
    sweep_reminders.delay()
    assert wait_for(lambda: ReminderDelivery.objects.filter(
        day=overdue_day, status=DeliveryStatus.SENT).count() == 1 + len(rest)), "lost some"
    sweep_reminders.delay()
    time.sleep(3)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(members)
    assert all("is overdue" in m.body for m in mail.outbox)


# Events and the calendar feed --------------------------------------------------------------

def test_only_trade_bodies_and_government_publish_events_and_capacity_holds(prog, client):
    p = prog
    url = reverse("training-event-new")
    client.force_login(p.admin)  # an industry organisation's admin
    assert client.get(url).status_code == 404
    client.force_login(p.other_admin)  # a government organisation's admin
    starts = timezone.localtime() + timedelta(days=5)
    response = client.post(url, {
        "title": "Workshop", "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": 1, "tlp": TLP.CLEAR})
    assert response.status_code == 400
    body = response.content.decode()
    assert "must end after it starts" in body and "Give a place, a link" in body
    response = client.post(url, {
        "title": "Workshop", "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "link": "meet.example.org/w", "capacity": 1, "tlp": TLP.CLEAR})
    assert response.status_code == 302
    event = TrainingEvent.objects.get(title="Workshop")
    assert event.organisation == p.other_org and event.link == "https://meet.example.org/w"
    register = reverse("training-event-register", args=[event.pk])
    client.force_login(p.member)
    client.post(register)
    client.force_login(p.colleague)
    client.post(register)
    assert list(event.registrations.values_list("user", flat=True)) == [p.member.pk]
    # TLP:GREEN events are for the community only.
    client.logout()
    assert client.get(reverse("training-event", args=[p.event.pk])).status_code == 404
    assert client.get(reverse("training-event", args=[event.pk])).status_code == 200
    assert "Northern exercise day" not in client.get(reverse("training-events")).content.decode()


def test_calendar_feed_parses_and_holds_only_what_the_person_may_see(prog, client):
    from icalendar import Calendar

    p = prog
    client.force_login(p.member)
    page = client.post(reverse("training-calendar")).content.decode()
    import re

    feed_url = re.search(r'value="(http[^"]+\.ics)"', page).group(1)
    token = feed_url.rsplit("/", 1)[1].removesuffix(".ics")
    from portal.features.training.models import CalendarFeed, hash_token

    stored = CalendarFeed.objects.get(user=p.member)
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    path = reverse("training-calendar-feed", args=[token])
    client.logout()  # calendar apps have no session: the token is the key
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    summaries = sorted(str(e["summary"]) for e in cal.walk("VEVENT"))
    assert summaries == ["Northern exercise day", f"Training due: {p.scenario.title}"]
    due = next(e for e in cal.walk("VEVENT") if str(e["summary"]).startswith("Training"))
    assert due.decoded("dtstart") == p.assignment.due_on
    # Things the member may not see never appear: an event made TLP:CLEAR->restricted, a
    # scenario relabelled to another organisation's eyes only, others' registrations.
    hidden_event = TrainingEvent.objects.create(
        organisation=p.other_org, title="Hidden", starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=1), place="x", capacity=5)
    EventRegistration.objects.create(event=hidden_event, user=p.colleague,
                                     organisation=p.other_org)
    p.scenario.tlp = TLP.RED
    p.scenario.save_revision().publish()
    cal = Calendar.from_ical(client.get(path).content)
    assert [str(e["summary"]) for e in cal.walk("VEVENT")] == ["Northern exercise day"]
    # A reset: the old address is gone, answering like any wrong one.
    client.force_login(p.member)
    client.post(reverse("training-calendar"))
    client.logout()
    missing = client.get(reverse("training-calendar-feed", args=["not-a-token"]))
    old = client.get(path)
    assert old.status_code == missing.status_code == 404 and old.content == missing.content


def test_evidence_csv_is_formula_safe_and_for_leads_only(prog, client):
    import csv
    import io

    from portal.features.training.evidence import safe_cell

    p = prog
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_cell(f"{start}SUM(A1)") == f"'{start}SUM(A1)"
    assert safe_cell("ok=1") == "ok=1" and safe_cell(None) == ""
    evil = make_user("=HYPERLINK(1)@training.test", org=p.org, role=Role.MEMBER)
    Session.objects.filter(pk=p.session.pk).update(status=SessionStatus.FINISHED,
                                                   finished_at=timezone.now())
    client.force_login(p.lead)
    response = client.get(reverse("training-evidence", args=[p.org.slug]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "record"
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert f"'{evil.email}" in cells
    kinds = {row[0] for row in rows[1:]}
    assert kinds == {"coverage", "assignment", "acknowledgement", "session"}
    acknowledged = [r for r in rows if r[0] == "acknowledgement" and r[2] == p.member.email]
    assert [r[:4] for r in acknowledged] == [
        ["acknowledgement", "policy version 1", p.member.email, "acknowledged"]]
    client.force_login(p.member)
    assert client.get(reverse("training-evidence", args=[p.org.slug])).status_code == 404


# Bad input: every training form, fuzzed ----------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TEXT = st.text(max_size=6000)
FUZZ = settings(max_examples=20, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def _fuzz_forms(p):
    """(who, url name, kwargs, field names) for every form the training pages take."""
    return [
        (p.admin, "training-policy-new", {"slug": p.org.slug}, ["item", "note"]),
        (p.lead, "training-assignment-new", {"slug": p.org.slug},
         ["scenario", "audience", "roles", "people", "due_on", "recurrence"]),
        (p.lead, "training-session-new", {"slug": p.org.slug}, ["scenario", "participants"]),
        (p.lead, "training-session", {"session_id": p.session.pk}, ["participants"]),
        (p.lead, "training-session-step", {"session_id": p.session.pk, "position": 1},
         ["decisions"]),
        (p.member, "training-practise", {"assignment_id": p.assignment.pk},
         ["answer_0_0", "answer_0_1", "answer_1_0"]),
        (p.other_admin, "training-event-new", {},
         ["title", "description", "starts_at", "ends_at", "place", "link", "capacity", "tlp"]),
        (p.admin, "training-leads", {"slug": p.org.slug}, ["membership", "lead"]),
        (p.member, "training-event-register", {"event_id": p.event.pk}, ["cancel"]),
        (p.lead, "training-session-finish", {"session_id": p.session.pk}, ["lessons"]),
    ]


@FUZZ
@given(data=st.data())
def test_fuzzed_forms_answer_4xx_or_success_never_500(prog, client, data):
    p = prog
    client.raise_request_exception = False
    for user, name, kwargs, fields in _fuzz_forms(p):
        values = {f: data.draw(st.one_of(TEXT, st.integers().map(str)), label=f)
                  for f in fields}
        client.force_login(user)
        response = client.post(reverse(name, kwargs=kwargs), values)
        assert response.status_code in (200, 302, 400, 404), (name, values,
                                                               response.status_code)
        if response.status_code in (200, 400):
            assert "Server error" not in response.content.decode()


def test_colleagues_who_did_not_take_part_cannot_open_a_session(prog, client):
    p = prog
    client.force_login(p.colleague)  # same organisation, not a participant, not a lead
    for name, kwargs in (("training-session", {}), ("training-session-step", {"position": 1}),
                         ("training-session-finish", {})):
        real = client.get(reverse(name, kwargs={"session_id": p.session.pk, **kwargs}))
        missing = client.get(reverse(name, kwargs={"session_id": 999999, **kwargs}))
        assert _normalised(real) == _normalised(missing) and real.status_code == 404
    client.force_login(p.member)  # a participant
    assert client.get(reverse("training-session", args=[p.session.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_demo_programmes_load_once_with_overdue_people_sessions_and_events(
    settings, wagtail_roots
):
    from io import StringIO

    from django.core.management import call_command

    from portal.core.organisations.models import Organisation

    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    assert "Training demo ready: 3 policies created, 3 assignments created, 2 sessions " \
           "created, 2 events created" in out.getvalue()
    call_command("load_demo_data", stdout=StringIO())
    assert (BehaviourPolicy.objects.count(), Assignment.objects.count(),
            Session.objects.count(), TrainingEvent.objects.count()) == (3, 3, 2, 2)
    assert set(Assignment.objects.values_list("recurrence", flat=True)) == {3, 12}
    assert all(s.lessons and s.notes.exists() for s in Session.objects.all())
    for slug in ("harbourline-security", "fenwick-vale"):
        org = Organisation.objects.get(slug=slug)
        overdue = [s for c in programme.coverage(org, programme.today()) for s in c.overdue]
        assert overdue, slug
        assert programme.acknowledgements(org).outstanding, slug
    assert set(TrainingEvent.objects.values_list("organisation__organisation_type", flat=True)) == {
        "trade_body", "government"}


def test_training_reaches_no_admin_screen_search_index_or_digest(prog, client):
    """The other channels: nothing of training is registered in an admin, and a drafted case
    study (with the group's decisions) is neither indexed nor listed until it is published."""
    from django.contrib import admin
    from wagtail.snippets.models import get_snippet_models

    from cms.models import ItemPage
    from portal.features.training import lessons
    from search.models import SearchEntry

    p = prog
    assert not [m for m in admin.site._registry if m._meta.app_label == "training"]
    assert not [m for m in get_snippet_models() if m._meta.app_label == "training"]
    InjectNote.objects.create(session=p.session, position=0, decisions="Quokka protocol")
    Session.objects.filter(pk=p.session.pk).update(status=SessionStatus.FINISHED,
                                                   finished_at=timezone.now())
    p.session.refresh_from_db()
    page = lessons.draft_case_study(p.session, p.lead)
    assert not SearchEntry.objects.filter(pk=page.pk).exists()
    assert not ItemPage.objects.live().filter(pk=page.pk).exists()
    client.force_login(p.lead)
    assert "Quokka" not in client.get(reverse("search"), {"q": "quokka"}).content.decode()
