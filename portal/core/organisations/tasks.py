from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from portal.core.organisations.models import Invitation


@shared_task(name="organisations.send_invitation_email", autoretry_for=(OSError,),
             retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int, token: str) -> None:
    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(
        pk=invitation_id
    ).first()
    if invitation is None or invitation.revoked or invitation.accepted_at:
        return
    context = {
        "invitation": invitation,
        "accept_url": settings.PORTAL_BASE_URL + reverse("invitation", args=[token]),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    send_mail(
        subject=f"Invitation to join {invitation.organisation} on {settings.WAGTAIL_SITE_NAME}",
        message=render_to_string("organisations/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
