from celery import shared_task

from portal.features.reporting import deadlines


@shared_task(name="reporting.check_deadlines")
def check_deadlines():
    return deadlines.run()


@shared_task(name="reporting.purge")
def purge_expired():
    return deadlines.purge()
