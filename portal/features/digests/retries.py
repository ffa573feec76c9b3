"""The retry policy of digest sending, in one place: which SMTP failures are final, the pause
between tries of one message, the wait before a delivery's next attempt, and the pause of a run
whose mail server refuses connections. The figures come from the DIGEST_* settings."""

import random
import smtplib
from datetime import timedelta

from django.conf import settings

# Doubling stops here long before any cap is reached; it keeps the numbers small.
MAX_DOUBLINGS = 20


def is_permanent(error: Exception) -> bool:
    """A 5xx refusal of the recipient or of the message is final; a 4xx (greylisting, a full
    mailbox, a busy server), a dropped connection or a refused connection is not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def pause_between_tries(failed_tries: int) -> float:
    """Seconds before trying a message again: short and doubling, with jitter so that workers
    that lost the server together do not come back in step."""
    base = settings.DIGEST_SEND_PAUSE_MS / 1000 * 2 ** min(failed_tries - 1, MAX_DOUBLINGS)
    return random.uniform(base / 2, base)  # noqa: S311 - jitter, not a secret


def capped_backoff(base_seconds: float, doublings: int) -> timedelta:
    """``base_seconds`` doubled ``doublings`` times, at most DIGEST_RETRY_BACKOFF_MAX, less up
    to a quarter at random so that deliveries released together spread out."""
    seconds = min(base_seconds * 2 ** min(doublings, MAX_DOUBLINGS),
                  settings.DIGEST_RETRY_BACKOFF_MAX)
    return timedelta(seconds=seconds * random.uniform(0.75, 1.0))  # noqa: S311 - jitter


def next_attempt_delay(attempts: int) -> timedelta:
    """How long a delivery that failed its ``attempts``-th attempt waits for the next."""
    return capped_backoff(settings.DIGEST_RETRY_BACKOFF, attempts - 1)


def breaker_delay(trips: int) -> timedelta:
    """How long a run pauses after its ``trips``-th pause in a row for a server that is down."""
    return capped_backoff(settings.DIGEST_BREAKER_DELAY, trips)
