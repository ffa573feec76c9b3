from wagtail import hooks

from cms.sections import PAGE_SECTIONS_HOOK
from portal.features.standards import sections


@hooks.register(PAGE_SECTIONS_HOOK)
def standards_practice_sections(request, page):
    from cms.models import OrganisationPage, StandardPage

    if isinstance(page, StandardPage):
        return sections.standard_section(request, page)
    if isinstance(page, OrganisationPage):
        return sections.organisation_section(request, page)
    return ""
