"""The one way to add to the security audit trail: ``record(kind, ...)``."""

from portal.core.audit.models import AuditEvent, Kind

MAX_TEXT = 300


def client_ip(request):
    """The address the request came from, as the server saw it. Behind a proxy, gunicorn's
    ``--forwarded-allow-ips`` puts the client's address in REMOTE_ADDR."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(kind: Kind, *, request=None, actor=None, organisation=None, target="",
           **changes) -> AuditEvent:
    """Record one event. ``actor`` defaults to the request's user; ``changes`` holds small
    values only (labels, roles, statuses, ids), never what an item says."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        actor_email=getattr(actor, "email", "") or changes.pop("login", "")[:254],
        organisation=organisation,
        target=str(target)[:MAX_TEXT],
        changes={key: _plain(value) for key, value in changes.items()},
        ip_address=client_ip(request),
    )


def _plain(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(_plain(v) for v in value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)[:MAX_TEXT]
