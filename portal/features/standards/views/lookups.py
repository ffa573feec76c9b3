"""Finding the objects a request names, through the access policies only. Whatever the
reader may not see answers exactly like something that does not exist."""

from django.http import Http404

from cms.access import item_policy
from portal.core.access import principal_for
from portal.core.organisations.models import Organisation
from portal.features.standards.access import assessment_editing, assessment_policy
from portal.features.standards.models import Assessment

NOT_HERE = "There is nothing at this address, or you may not see it."


def visible_standard(request, standard_id):
    from cms.models import StandardPage

    standard = StandardPage.objects.live().filter(pk=standard_id).first()
    if standard is None or not item_policy.can_view(principal_for(request), standard):
        raise Http404(NOT_HERE)
    return standard


def visible_assessment(request, standard_id, org_slug):
    standard = visible_standard(request, standard_id)
    assessment = (Assessment.objects.filter(standard=standard, organisation__slug=org_slug)
                  .select_related("organisation", "version", "standard").first())
    if assessment is None or not assessment_policy.can_view(principal_for(request), assessment):
        raise Http404(NOT_HERE)
    return assessment


def editable_assessment(request, standard_id, org_slug):
    assessment = visible_assessment(request, standard_id, org_slug)
    if not assessment_editing.can_view(principal_for(request), assessment):
        raise Http404(NOT_HERE)
    return assessment


def may_edit(request, assessment) -> bool:
    return assessment_editing.can_view(principal_for(request), assessment)


def organisations_where(request, *roles):
    return Organisation.objects.approved().filter(
        pk__in=principal_for(request).organisations_where(*roles))


def get_or_404(queryset, **lookups):
    """Like ``get_object_or_404``, with the one answer every missing object gives here."""
    found = queryset.filter(**lookups).first()
    if found is None:
        raise Http404(NOT_HERE)
    return found


def own_organisation(request, org_slug, *roles):
    """An organisation in which the user holds one of ``roles``, or a 404."""
    return get_or_404(organisations_where(request, *roles), slug=org_slug)
