"""What standards practice adds to a standard's page and to an organisation's page."""

from django.template.loader import render_to_string

from cms.access import item_policy
from portal.core.access import principal_for
from portal.core.accounts.moderators import is_moderator
from portal.features.standards.access import may_read_uptake
from portal.features.standards.models import Signatory, StandardVersion, UptakeSetting
from portal.features.standards.versions import diff

EDITORS = ("admin", "publisher", "assessor")


def standard_section(request, standard) -> str:
    from portal.core.organisations.models import Organisation

    principal = principal_for(request)
    signatories = list(Signatory.objects.filter(standard=standard)
                       .select_related("organisation", "version"))
    active = {s.organisation_id for s in signatories if s.active}
    admin_of = list(Organisation.objects.approved().filter(
        pk__in=principal.organisations_where("admin")))
    editor_of = Organisation.objects.approved().filter(
        pk__in=principal.organisations_where(*EDITORS))
    versions = list(StandardVersion.objects.filter(standard=standard))
    changes = diff(versions[-2], versions[-1]) if len(versions) > 1 else []
    setting = UptakeSetting.objects.filter(standard=standard).first() or UptakeSetting(
        standard=standard, organisation_id=standard.source_organisation_id)
    return render_to_string("standards/sections/standard.html", {
        "standard": standard, "signatories": signatories,
        "may_sign": [o for o in admin_of if o.pk not in active],
        "may_withdraw": [o for o in admin_of if o.pk in active],
        "editor_of": editor_of, "versions": versions,
        "changes": [c for c in changes if c.change != "unchanged"],
        "uptake": request.user.is_authenticated and may_read_uptake(principal, request.user,
                                                                    setting),
        "moderator": request.user.is_authenticated and is_moderator(request.user),
        "has_consultation": standard.status == "consultation" or standard.consultations.exists(),
    }, request=request)


def organisation_section(request, organisation_page) -> str:
    """The standards the organisation has signed that the reader may see."""
    from cms.models import StandardPage

    visible = item_policy.visible(principal_for(request), StandardPage.objects.live())
    signed = (Signatory.objects.filter(organisation=organisation_page.organisation_id,
                                       standard__in=visible.values("pk"))
              .select_related("standard", "version").order_by("-signed_at"))
    if not signed:
        return ""
    return render_to_string("standards/sections/organisation.html",
                            {"signed": signed}, request=request)
