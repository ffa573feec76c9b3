"""A handler's side of a case: reading it, answering, noting, changing status, exporting.

Every function takes the channel's private key from an unlocked session; the access policy
has already decided that the handler may see the case at all. Each action is written to the
case's timeline without content.
"""

import json

from django.db import transaction
from django.utils import timezone

from portal.core.audit import recording as audit
from portal.core.audit.models import Kind
from portal.features.reporting.models import Action, Author, CaseEvent, Note, Status
from portal.features.reporting.sealing import add_message, open_json, seal_json

AUDIT_KINDS = {Action.OPENED: Kind.REPORT_OPENED, Action.STATUS: Kind.REPORT_STATUS,
               Action.ASSIGNED: Kind.REPORT_ASSIGNED, Action.MESSAGE: Kind.REPORT_MESSAGE,
               Action.NOTE: Kind.REPORT_NOTE, Action.EXPORT: Kind.REPORT_EXPORTED}


def record(report, actor, action, detail=""):
    """On the case's timeline, and for a handler's action on the security audit trail too:
    the case id and a status at most, never content, and never a request (no address)."""
    CaseEvent.objects.create(channel=report.channel, report=report, actor=actor, action=action,
                             detail=detail[:200])
    kind = AUDIT_KINDS.get(action)
    if actor is not None and kind is not None:
        audit.record(kind, actor=actor, organisation=report.channel.organisation,
                     target=f"case {report.pk}", **({"detail": detail} if detail else {}))


def read_case(report, key: bytes) -> dict:
    """The decrypted case: report content, conversation, notes and attachment metadata."""
    if report.is_purged:
        return {"purged": True}
    return {
        "purged": False,
        "content": open_json(key, report.sealed),
        "messages": [{"pk": m.pk, "author": m.get_author_display(), "handler": m.handler,
                      "created_at": m.created_at, **open_json(key, m.for_channel)}
                     for m in report.messages.select_related("handler")],
        "notes": [{"pk": n.pk, "handler": n.handler, "created_at": n.created_at,
                   **open_json(key, n.sealed)} for n in report.notes.select_related("handler")],
        "attachments": [{"pk": a.pk, "created_at": a.created_at,
                         **open_json(key, a.sealed_meta)} for a in report.attachments.all()],
    }


def reply(report, handler, text: str, *, is_feedback: bool):
    with transaction.atomic():
        add_message(report, Author.HANDLER, text, handler=handler)
        if is_feedback and report.feedback_at is None:
            report.feedback_at = timezone.now()
            report.save(update_fields=["feedback_at"])
        record(report, handler, Action.MESSAGE, "feedback" if is_feedback else "")


def add_note(report, handler, text: str):
    with transaction.atomic():
        Note.objects.create(report=report, handler=handler,
                            sealed=seal_json(report.channel.public_key, {"text": text}))
        record(report, handler, Action.NOTE)


def change_status(report, handler, status: str, outcome: str = "", assignee=None):
    now = timezone.now()
    changed = []
    if status != report.status:
        report.status = status
        changed.append("status")
        if status != Status.NEW and report.acknowledged_at is None:
            report.acknowledged_at = now
            changed.append("acknowledged_at")
        if status == Status.CLOSED:
            report.closed_at, report.outcome = now, outcome
            changed += ["closed_at", "outcome"]
        elif report.closed_at is not None:
            report.closed_at, report.outcome = None, ""
            changed += ["closed_at", "outcome"]
    if assignee != report.assignee:
        report.assignee = assignee
        changed.append("assignee")
    if not changed:
        return
    with transaction.atomic():
        report.save(update_fields=changed)
        if "status" in changed:
            record(report, handler, Action.STATUS,
                   f"{status}{f' ({outcome})' if status == Status.CLOSED else ''}")
        if "assignee" in changed:
            record(report, handler, Action.ASSIGNED,
                   f"user {assignee.pk}" if assignee else "nobody")


def export(report, handler, key: bytes) -> bytes:
    """One case as a JSON document for a legal process; the export itself is recorded."""
    case = read_case(report, key)
    document = {
        "case": report.pk,
        "channel": str(report.channel),
        "category": report.category,
        "status": report.status,
        "outcome": report.outcome,
        "received_at": report.received_at.isoformat(),
        "acknowledged_at": report.acknowledged_at and report.acknowledged_at.isoformat(),
        "feedback_at": report.feedback_at and report.feedback_at.isoformat(),
        "closed_at": report.closed_at and report.closed_at.isoformat(),
        "report": case.get("content"),
        "messages": [{"author": m["author"], "at": m["created_at"].isoformat(),
                      "text": m["text"]} for m in case.get("messages", [])],
        "notes": [{"at": n["created_at"].isoformat(), "text": n["text"]}
                  for n in case.get("notes", [])],
        "attachments": [{"name": a["name"], "size": a["size"], "cleaned": a["cleaned"]}
                        for a in case.get("attachments", [])],
        "timeline": [{"at": e.created_at.isoformat(), "action": e.action, "detail": e.detail,
                      "by": e.actor_id} for e in report.events.all()],
    }
    record(report, handler, Action.EXPORT)
    return json.dumps(document, indent=2, ensure_ascii=False).encode()
