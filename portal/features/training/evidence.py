"""The organisation's training record as rows, for the CSV an auditor reads."""

from datetime import date

from portal.features.training import programme
from portal.features.training.models import Session, SessionStatus

# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text: a leading formula character gets a quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


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
