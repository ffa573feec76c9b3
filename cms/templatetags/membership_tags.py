from django import template
from django.urls import reverse

from portal.core.access import principal_for
from portal.core.accounts.moderators import is_moderator
from portal.core.organisations.models import Membership, OrganisationStatus

register = template.Library()


@register.simple_tag(takes_context=True)
def organisation_suggestion(context):
    """What a signed-in person without an organisation should do next, or None. Members of an
    approved organisation with a verified email (most readers) cost no query: their principal
    is already known."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    principal = principal_for(request)
    if principal.verified and principal.organisation_ids:
        return None
    if is_moderator(request.user):  # portal staff need no organisation
        return None
    memberships = list(Membership.objects.filter(user=request.user)
                       .select_related("organisation"))
    approved = [m.organisation for m in memberships if m.organisation.is_approved]
    if approved:
        return {"state": "unverified", "organisations": approved,
                "email_url": reverse("account_email")}
    pending = [m.organisation for m in memberships
               if m.organisation.status == OrganisationStatus.PENDING]
    if pending:
        return {"state": "pending", "organisations": pending}
    from cms.models import OrganisationIndexPage

    directory = OrganisationIndexPage.objects.live().first()
    return {"state": "none", "directory_url": directory.url if directory else "",
            "register_url": reverse("request-organisation")}
