import logging

from celery import shared_task
from django.utils import timezone

from portal.features.digests import runs
from portal.features.digests.models import DigestRun
from portal.features.digests.sending import deliver_chunk

log = logging.getLogger(__name__)


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


@shared_task(name="digests.send_chunk")
def send_digest_chunk(run_id: int, user_ids: list[int]) -> dict:
    """Send one chunk. Messages are retried within it; the deliveries it had to release are
    sent by one follow-up task when they are due. Past the run's deadline it fails what is
    still waiting instead; while the run is paused it comes back when the pause ends."""
    run = DigestRun.objects.get(pk=run_id)
    now = timezone.now()
    if runs.expire_if_overdue(run, now):
        return {"expired": True}
    if run.paused_until and run.paused_until > now:
        if runs.hold(run, user_ids):
            send_digest_chunk.apply_async((run_id, user_ids), eta=run.paused_until)
        return {"paused_until": run.paused_until.isoformat()}
    outcome = deliver_chunk(run_id, user_ids)
    if outcome.retry_ids:
        send_digest_chunk.apply_async((run_id, outcome.retry_ids), eta=outcome.retry_at)
    runs.complete_if_done(run)
    log_progress(run, outcome)
    return outcome.counts


def log_progress(run, outcome) -> None:
    progress = DigestRun.objects.with_progress().get(pk=run.pk)
    finish = progress.expected_finish()
    log.info(
        "Digest run %s chunk: %s; run: %d sent, %d pending, %d retrying, %d failed, "
        "%d empty; expected finish %s, deadline %s", run.pk,
        ", ".join(f"{n} {k}" for k, n in outcome.counts.items()),
        progress.sent, progress.pending, progress.retrying, progress.failed, progress.empty,
        f"{finish:%H:%M:%S}" if finish else "unknown", f"{run.deadline:%Y-%m-%d %H:%M}")


@shared_task(name="digests.sweep")
def sweep_digests() -> dict:
    """Re-queue what crashed workers left behind (or retries whose task was lost), fail what
    missed its deadline, and start runs that should exist."""
    released = runs.release_stale_claims()
    queued = 0
    for run in runs.runs_needing_work():
        if runs.expire_if_overdue(run):
            continue
        for chunk in runs.fan_out(run):
            send_digest_chunk.delay(run.pk, chunk)
            queued += 1
        runs.complete_if_done(run)
    return {"released": released, "chunks_queued": queued}
