"""The kinds of notification, registered by whichever layer sends them.

A kind is a key, a label people recognise on their preferences page, and whether it emails by
default. Registering from an app's ``ready()`` keeps the core free of imports from above.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    email_by_default: bool = True


_kinds: dict[str, Kind] = {}


def register(key: str, label: str, *, email_by_default: bool = True) -> Kind:
    kind = Kind(key, label, email_by_default)
    if _kinds.get(key, kind) != kind:
        raise ValueError(f"Notification kind {key!r} is already registered differently.")
    _kinds[key] = kind
    return kind


def get(key: str) -> Kind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"Unknown notification kind {key!r}: register it first.") from None


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda kind: kind.label)
