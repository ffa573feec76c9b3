"""Resending a failed delivery: the digest goes back through the run's own chunk task.

Only a failed delivery is put back to pending, by one conditional update, so a repeated or
concurrent request queues nothing more. It is recorded on the delivery (how often, when, by
whom). A run past its deadline would fail it again at once, so the deadline moves to give it
RESEND_TIME. A finished run is reopened, so that if the queued message is lost the sweep
finds the pending delivery and sends it; the run completes again when it is done.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from portal.features.digests.models import Delivery, DeliveryStatus, DigestRun, RunStatus
from portal.features.digests.tasks import send_digest_chunk

RESEND_TIME = timedelta(hours=1)


def resend(delivery: Delivery, by, now=None) -> bool:
    """Queue ``delivery`` again if it failed; False when there was nothing to resend."""
    now = now or timezone.now()
    with transaction.atomic():
        queued = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None, claim="",
            resends=F("resends") + 1, resent_at=now, resent_by=by)
        if not queued:
            return False
        DigestRun.objects.filter(pk=delivery.run_id, deadline__lt=now + RESEND_TIME).update(
            deadline=now + RESEND_TIME)
        DigestRun.objects.filter(pk=delivery.run_id, status=RunStatus.COMPLETE).update(
            status=RunStatus.RUNNING, completed_at=None)
        run_id, user_id = delivery.run_id, delivery.user_id
        transaction.on_commit(lambda: send_digest_chunk.delay(run_id, [user_id]))
    return True
