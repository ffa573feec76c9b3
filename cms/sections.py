"""Sections that layers above the CMS add to its pages (for example who has signed a standard),
through Wagtail's hook registry: the CMS calls the hooks and knows nothing of who registers
them. A hook takes ``(request, page)`` and returns HTML, or nothing to add."""

from wagtail import hooks

PAGE_SECTIONS_HOOK = "portal_page_sections"


def page_sections(request, page) -> list:
    return [html for hook in hooks.get_hooks(PAGE_SECTIONS_HOOK) if (html := hook(request, page))]
