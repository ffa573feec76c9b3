import smtplib
from datetime import date, timedelta

from celery import shared_task
from django.conf import settings

from portal.features.training import programme, reminders

LOOK_BACK = timedelta(days=3)  # how old a pending reminder the sweep still sends


@shared_task(name="training.send_reminders")
def send_reminders(day: str | None = None) -> dict:
    """Beat starts this each morning; running it again for the same day is harmless."""
    on = date.fromisoformat(day) if day else programme.today()
    chunks = reminders.fan_out(on)
    for chunk in chunks:
        send_reminder_chunk.delay(on.isoformat(), chunk)
    return {"day": on.isoformat(), "chunks": len(chunks)}


@shared_task(name="training.send_chunk", bind=True, max_retries=8)
def send_reminder_chunk(self, day: str, user_ids: list[int]) -> dict:
    try:
        return reminders.deliver(date.fromisoformat(day), user_ids)
    except (reminders.TransientSendError, smtplib.SMTPException, OSError) as error:
        delay = min(settings.TRAINING_RETRY_BACKOFF * 2 ** self.request.retries, 3600)
        raise self.retry(exc=error, countdown=delay) from error


@shared_task(name="training.sweep")
def sweep_reminders() -> dict:
    """Give back what dead workers held, make sure today's deliveries exist, and queue the
    pending ones of the last few days."""
    released = reminders.release_stale_claims()
    on = programme.today()
    reminders.fan_out(on)
    queued = 0
    for day in reminders.pending_days(on - LOOK_BACK):
        for chunk in reminders.pending_chunks(day):
            send_reminder_chunk.delay(day.isoformat(), chunk)
            queued += 1
    return {"released": released, "chunks_queued": queued}
