import smtplib

from celery import shared_task
from django.conf import settings

from portal.features.digests import runs
from portal.features.digests.models import DigestRun
from portal.features.digests.sending import TransientSendError, deliver_chunk


@shared_task(name="digests.start_run")
def start_digest_run(frequency: str) -> dict:
    """Beat starts this; running it twice for the same window is harmless."""
    run, created = runs.get_or_start_run(frequency)
    chunks = runs.fan_out(run)
    for chunk in chunks:
        send_digest_chunk.delay(run.pk, chunk)
    if not chunks:
        runs.complete_if_done(run)
    return {"run": run.pk, "created": created, "chunks": len(chunks)}


@shared_task(name="digests.send_chunk", bind=True, max_retries=8)
def send_digest_chunk(self, run_id: int, user_ids: list[int]) -> dict:
    """Send one chunk. SMTP trouble retries the chunk with exponential backoff; what was
    already sent is skipped on retry, and the sweep catches a chunk that runs out of retries."""
    try:
        counts = deliver_chunk(run_id, user_ids)
    except (TransientSendError, smtplib.SMTPException, OSError) as error:
        delay = min(settings.DIGEST_RETRY_BACKOFF * 2 ** self.request.retries, 3600)
        raise self.retry(exc=error, countdown=delay) from error
    runs.complete_if_done(DigestRun.objects.get(pk=run_id))
    return counts


@shared_task(name="digests.sweep")
def sweep_digests() -> dict:
    """Re-queue what crashed workers left behind and start runs that should exist."""
    released = runs.release_stale_claims()
    queued = 0
    for run in runs.runs_needing_work():
        for chunk in runs.fan_out(run):
            send_digest_chunk.delay(run.pk, chunk)
            queued += 1
        runs.complete_if_done(run)
    return {"released": released, "chunks_queued": queued}
