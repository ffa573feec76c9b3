"""notify(): record the notification now, email it after the transaction commits."""

from functools import partial

from django.db import transaction

from portal.core.notifications import kinds
from portal.core.notifications.models import Notification, Preference


def notify(recipients, kind: str, title: str, url: str = "") -> list[Notification]:
    """Tell each of ``recipients`` (users) that ``title`` needs them; ``url`` is where to look.

    ``title`` must be safe for every recipient: it may name an item each of them may see, never
    what a restricted object holds (docs/notifications.md). Inactive users are skipped. Emails
    go out through Celery once the surrounding transaction commits, so a rolled-back change
    tells nobody.
    """
    kind_info = kinds.get(kind)
    people = {user.pk: user for user in recipients if user is not None and user.is_active}
    if not people:
        return []
    created = Notification.objects.bulk_create(
        [Notification(recipient_id=pk, kind=kind, title=title[:200], url=url[:500])
         for pk in people])
    choices = dict(Preference.objects.filter(user_id__in=list(people), kind=kind)
                   .values_list("user_id", "email"))
    to_email = [n.pk for n in created
                if choices.get(n.recipient_id, kind_info.email_by_default)]
    if to_email:
        from portal.core.notifications.tasks import email_notifications

        transaction.on_commit(partial(email_notifications.delay, to_email))
    return created
