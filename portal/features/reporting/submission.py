"""A reporter's side: sending a report, and coming back with the receipt code.

Nothing here reads the request's address or user agent, and nothing is logged. A wrong code,
an expired one and a purged report give the same answer; wrong codes are counted per client
and in total in the cache, and past either limit no code is even tried.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from portal.features.reporting import crypto, readers
from portal.features.reporting.models import Action, Author, CaseEvent, Report
from portal.features.reporting.sealing import add_message, seal_json, store_attachment

WINDOW = 3600  # seconds over which wrong codes are counted


def submit(channel, data: dict, files, user=None) -> tuple[Report, str]:
    """Store a report (``data`` from the report form) and return it with its receipt code."""
    code = crypto.new_receipt_code()
    lookup, reporter_private = crypto.receipt_keys(code)
    content = {
        "what": data["what_happened"],
        "when": data.get("when", ""),
        "organisation": data["organisation"].name if data.get("organisation") else "",
        "contact": data.get("contact", "") if not data.get("anonymous") else "",
    }
    with transaction.atomic():
        report = Report.objects.create(
            channel=channel, category=data["category"],
            sealed=seal_json(channel.public_key, content), receipt_lookup=lookup,
            reporter_public_key=crypto.public_of(reporter_private),
            reporter_user=user if user is not None and data.get("link_account") else None)
        report.excluded_handlers.set(data.get("exclude") or [])
        for upload in files:
            store_attachment(report, upload)
        readers.sync_report(report)
        CaseEvent.objects.create(channel=channel, report=report, action=Action.RECEIVED)
    return report, code


class TooManyAttempts(Exception):
    pass


def _client_bucket(request) -> str:
    # A keyed hash of the address, kept only in the cache for the counting window.
    address = request.META.get("REMOTE_ADDR", "")
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return f"reporting:wrong-code:{digest.hexdigest()[:32]}"


GLOBAL_BUCKET = "reporting:wrong-code:all"


def _count(key):
    cache.add(key, 0, WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW)


def open_with_code(request, typed: str) -> tuple[Report, bytes] | None:
    """The report a receipt code opens and the reporter's private key, or None.

    Raises ``TooManyAttempts`` once this client or everyone together has given too many wrong
    codes in the window; no code is checked then, not even a right one."""
    per_client = settings.REPORTING_WRONG_CODES_PER_CLIENT
    overall = settings.REPORTING_WRONG_CODES_GLOBAL
    bucket = _client_bucket(request)
    if (cache.get(bucket, 0) >= per_client) or (cache.get(GLOBAL_BUCKET, 0) >= overall):
        raise TooManyAttempts
    code = crypto.normalise_code(typed)
    found = None
    if code:
        lookup, private = crypto.receipt_keys(code)
        report = Report.objects.select_related("channel").filter(
            receipt_lookup=lookup, purged_at__isnull=True).first()
        if report is not None:
            found = (report, private)
    if found is None:
        _count(bucket)
        _count(GLOBAL_BUCKET)
    return found


def thread_for_reporter(report, private: bytes) -> list[dict]:
    from portal.features.reporting.sealing import open_json

    return [{"author": message.get_author_display(), "created_at": message.created_at,
             **open_json(private, message.for_reporter)} for message in report.messages.all()]


def reporter_writes(report, text: str, files) -> None:
    with transaction.atomic():
        if text:
            add_message(report, Author.REPORTER, text)
            CaseEvent.objects.create(channel=report.channel, report=report,
                                     action=Action.REPORTER_MESSAGE)
        for upload in files:
            store_attachment(report, upload)
        if files:
            CaseEvent.objects.create(channel=report.channel, report=report,
                                     action=Action.REPORTER_FILE)
