"""The organisation's training record as rows, for the CSV an auditor reads."""

from datetime import date

from portal.core.security.spreadsheets import text_cell as safe_cell
from portal.features.training import programme
from portal.features.training.models import Session, SessionStatus


def evidence_rows(organisation, on: date):
    """Header, then one row per person and assignment, per acknowledgement, per session."""
    yield ["record", "assignment", "person", "state", "last completed", "next due",
           "detail"]
    rows = []
    for cover in programme.coverage(organisation, on):
        title = cover.assignment.scenario.title
        rows.append(["coverage", title, "", f"{cover.percent}% up to date",
                     "", "", f"{len(cover.done)} of {len(cover.standings)} "
                             f"({cover.assignment.get_recurrence_display().lower()})"])
        for s in cover.standings:
            rows.append(["assignment", title, s.user.email, s.state,
                         s.last_completed or "", s.next_due or "", ""])
    state = programme.acknowledgements(organisation)
    if state.policy is not None:
        version = f"policy version {state.policy.version}"
        for membership, when in state.acknowledged:
            rows.append(["acknowledgement", version, membership.user.email, "acknowledged",
                         when.date(), "", ""])
        for membership in state.outstanding:
            rows.append(["acknowledgement", version, membership.user.email, "outstanding",
                         "", "", ""])
    for session in (Session.objects.filter(organisation=organisation,
                                           status=SessionStatus.FINISHED)
                    .select_related("scenario", "facilitator")):
        rows.append(["session", session.scenario.title, session.facilitator.email, "held",
                     session.finished_at.date(), "",
                     f"{session.participants.count()} participants"])
    for row in rows:
        yield [safe_cell(cell) for cell in row]
