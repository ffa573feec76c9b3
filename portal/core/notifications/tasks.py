from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from portal.core.notifications.models import Notification


@shared_task(name="notifications.email", autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def email_notifications(notification_ids: list[int]) -> int:
    """Email each notification not yet emailed. Marking each as sent right after its message
    makes a retry skip what already went out."""
    sent = 0
    pending = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True,
                                          recipient__is_active=True).select_related("recipient")
    for notification in pending:
        context = {"notification": notification, "base_url": settings.PORTAL_BASE_URL,
                   "site_name": settings.WAGTAIL_SITE_NAME}
        send_mail(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{notification.title}",
            message=render_to_string("notifications/email/notification.txt", context),
            from_email=None, recipient_list=[notification.recipient.email],
        )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
