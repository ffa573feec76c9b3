"""The reporting beat tasks on a real Celery worker over real Redis: a missed deadline is
escalated once however often the task runs, and an expired closed case is purged."""

import time
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from portal.core.organisations.models import Role
from portal.features.reporting import keys, submission
from portal.features.reporting.models import Channel, ChannelKind, Report, Status
from portal.features.reporting.tasks import check_deadlines, purge_expired
from tests.reporting_world import make_handler
from tests.test_celery import wait_for
from tests.world import make_user


def test_deadline_tasks_run_once_on_a_real_worker(fresh_world, celery_worker_on_redis):
    organisation = fresh_world.orgs["source"]
    channel = Channel.objects.create(organisation=organisation, kind=ChannelKind.INTERNAL)
    keys.turn_on(channel)
    make_handler("handler@source.test", organisation)
    make_user("admin@source.test", org=organisation, role=Role.ADMIN)
    overdue, _ = submission.submit(channel, {"category": "Other concern",
                                             "what_happened": "zqxworkermarker"}, [])
    expired, _ = submission.submit(channel, {"category": "Other concern",
                                             "what_happened": "zqxexpiredmarker"}, [])
    now = timezone.now()
    Report.objects.filter(pk=overdue.pk).update(acknowledge_due=now - timedelta(days=1),
                                                feedback_due=now + timedelta(days=10))
    Report.objects.filter(pk=expired.pk).update(
        status=Status.CLOSED, outcome="withdrawn", acknowledged_at=now, feedback_at=now,
        closed_at=now - timedelta(days=400))
    assert celery_worker_on_redis.conf.task_always_eager is False  # really queued
    for _ in range(3):
        check_deadlines.delay()
    purge_expired.delay()
    # The acknowledgement escalation (admin and handler) and the feedback reminder (handler).
    assert wait_for(lambda: len(mail.outbox) == 3), [m.to for m in mail.outbox]
    assert wait_for(lambda: Report.objects.get(pk=expired.pk).purged_at is not None)
    time.sleep(2)  # repeated runs send nothing more
    assert sorted(r for m in mail.outbox for r in m.to) == [
        "admin@source.test", "handler@source.test", "handler@source.test"]
    assert not any("zqx" in m.body or "zqx" in m.subject for m in mail.outbox)
    stub = Report.objects.get(pk=expired.pk)
    assert stub.sealed is None and stub.receipt_lookup is None
