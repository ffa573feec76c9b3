"""Where each person stands with each assignment, and recording completions.

A person's next due date is the assignment's first due date until they complete it, then the
day of their last completion plus the recurrence (never again for a one-off). Someone who
joins after an assignment was made gets ``JOINER_DAYS`` from joining if the first due date is
nearer. Only current members count: leavers have no membership, so no status.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max
from django.utils import timezone

from portal.core.organisations.models import Membership
from portal.features.training.models import (
    Acknowledgement,
    Assignment,
    BehaviourPolicy,
    Completion,
)

JOINER_DAYS = 30

DONE, DUE, OVERDUE = "done", "due", "overdue"


def today() -> date:
    """The portal's today; the one clock the programme reads (tests move it)."""
    return timezone.localdate()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Standing:
    assignment: Assignment
    membership: Membership
    last_completed: date | None
    next_due: date | None
    state: str

    @property
    def user(self):
        return self.membership.user


def first_due(assignment: Assignment, membership: Membership) -> date:
    joined = timezone.localdate(membership.created_at)
    if joined > timezone.localdate(assignment.created_at):
        return max(assignment.due_on, joined + timedelta(days=JOINER_DAYS))
    return assignment.due_on


def standing_of(assignment, membership, last_completed, on: date) -> Standing:
    if last_completed is None:
        next_due = first_due(assignment, membership)
    elif assignment.recurrence:
        next_due = add_months(last_completed, assignment.recurrence)
    else:
        next_due = None
    if next_due is not None and next_due < on:
        state = OVERDUE
    elif last_completed is not None:
        state = DONE
    else:
        state = DUE
    return Standing(assignment, membership, last_completed, next_due, state)


def current_memberships(organisation_ids):
    return (Membership.objects.filter(organisation_id__in=organisation_ids,
                                      organisation__status="approved", user__is_active=True)
            .select_related("user", "organisation").order_by("user__email"))


def standings(assignments, memberships, on: date) -> dict[int, list[Standing]]:
    """Per assignment id, the standing of each membership it applies to (3 queries)."""
    assignments = list(assignments)
    memberships = list(memberships)
    people = defaultdict(set)
    for assignment_id, user_id in Assignment.people.through.objects.filter(
            assignment_id__in=[a.pk for a in assignments]).values_list("assignment_id",
                                                                         "user_id"):
        people[assignment_id].add(user_id)
    last = {(a, u): day for a, u, day in Completion.objects.filter(
        assignment__in=assignments, user_id__in={m.user_id for m in memberships})
        .values("assignment_id", "user_id").annotate(last=Max("completed_on"))
        .values_list("assignment_id", "user_id", "last")}
    result = {}
    for assignment in assignments:
        result[assignment.pk] = [
            standing_of(assignment, membership, last.get((assignment.pk, membership.user_id)), on)
            for membership in memberships
            if membership.organisation_id == assignment.organisation_id
            and assignment.applies_to(membership, people[assignment.pk])]
    return result


def standings_for_user(user, on: date) -> list[Standing]:
    """Everything ``user``'s organisations ask of them, soonest first."""
    memberships = list(current_memberships(
        Membership.objects.filter(user=user).values("organisation_id")).filter(user=user))
    assignments = Assignment.objects.filter(
        active=True, organisation__in=[m.organisation_id for m in memberships]
    ).select_related("scenario", "organisation")
    found = [s for group in standings(assignments, memberships, on).values() for s in group]
    return sorted(found, key=lambda s: (s.state == DONE, s.next_due or date.max))


@dataclass(frozen=True)
class Coverage:
    assignment: Assignment
    standings: list[Standing]

    @property
    def done(self):
        return [s for s in self.standings if s.state == DONE]

    @property
    def overdue(self):
        return [s for s in self.standings if s.state == OVERDUE]

    @property
    def percent(self) -> int:
        """The share of the people asked who are up to date, in whole percent."""
        if not self.standings:
            return 100
        return round(100 * len(self.done) / len(self.standings))


def coverage(organisation, on: date) -> list[Coverage]:
    assignments = (Assignment.objects.filter(organisation=organisation, active=True)
                   .select_related("scenario"))
    by_assignment = standings(assignments, current_memberships([organisation.pk]), on)
    return [Coverage(a, by_assignment[a.pk]) for a in assignments]


@dataclass(frozen=True)
class AcknowledgementState:
    policy: BehaviourPolicy | None
    acknowledged: list  # (membership, when)
    outstanding: list  # memberships

    @property
    def total(self) -> int:
        return len(self.acknowledged) + len(self.outstanding)


def acknowledgements(organisation) -> AcknowledgementState:
    policy = BehaviourPolicy.current(organisation)
    members = list(current_memberships([organisation.pk]))
    if policy is None:
        return AcknowledgementState(None, [], [])
    when = dict(Acknowledgement.objects.filter(policy=policy)
                .values_list("user_id", "acknowledged_at"))
    return AcknowledgementState(
        policy, [(m, when[m.user_id]) for m in members if m.user_id in when],
        [m for m in members if m.user_id not in when])


def complete(organisation, scenario_id, users, on: date, *, session=None, run=None,
             assignment=None) -> int:
    """Record completions for ``users`` of the organisation's active assignments of the
    scenario (or of ``assignment`` alone) that apply to them. Returns how many."""
    assignments = Assignment.objects.filter(organisation=organisation, active=True,
                                            scenario_id=scenario_id)
    if assignment is not None:
        assignments = assignments.filter(pk=assignment.pk)
    memberships = list(current_memberships([organisation.pk]).filter(
        user__in=[u.pk for u in users]))
    rows = [Completion(assignment=s.assignment, user_id=s.membership.user_id,
                       organisation=organisation, completed_on=on, session=session, run=run)
            for group in standings(assignments, memberships, on).values() for s in group]
    Completion.objects.bulk_create(rows)
    return len(rows)
