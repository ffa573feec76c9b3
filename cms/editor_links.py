"""What an item may refer to: links, embedded documents and attachments, checked for the editor.

Wagtail's choosers only offer what an editor may choose, but its forms accept any id posted to
them, and rendering resolves any id. So the page form checks every reference at save and
preview, publishing checks them again for the publishing user (a workflow's approver, or the
author of a scheduled revision), and rendering resolves only what the reader may see
(``cms.rich_text``).

An editor may refer to pages they may see in the admin, and use documents of their own
organisation or documents that are public already (``cms.admin_visibility``).
"""

from wagtail.documents import get_document_model
from wagtail.models import Page

from cms.admin_visibility import may_see_page, may_use_document
from portal.core.ids import as_id

REFUSED_PAGE = ("The link to page {id} cannot be used: link only to pages you may see.")
REFUSED_DOCUMENT = ("Document {id} cannot be used here: use your organisation's documents, or "
                    "documents that are already public (shared as TLP:CLEAR by their source).")


def references_in_values(model, values: dict, documents=()):
    """(model, id) for each page or document that field ``values`` of ``model`` refer to,
    plus the attached ``documents``."""
    for name, value in values.items():
        try:
            model_field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001, S112 - form fields that are not model fields
            continue
        if value is None or not hasattr(model_field, "extract_references"):
            continue
        for to_model, to_id, _model_path, _content_path in model_field.extract_references(value):
            yield to_model, to_id
    for document in documents:
        if document is not None:
            yield get_document_model(), document.pk


def references_in_page(page):
    """References held by an in-memory page (a revision's content, attachments included)."""
    values = {f.name: f.value_from_object(page) for f in page._meta.get_fields()
              if hasattr(f, "extract_references") and hasattr(f, "value_from_object")}
    documents = [a.document for a in page.attachments.all()] if hasattr(page, "attachments") else []
    return references_in_values(type(page), values, documents)


def refused_references(user, references) -> list[str]:
    """Messages for each reference ``user`` may not make; empty when all are allowed."""
    if user is None or user.is_superuser:
        return []
    messages, seen = [], set()
    document_model = get_document_model()
    for to_model, to_id in references:
        pk = as_id(to_id)
        key = (to_model, pk)
        if key in seen:
            continue
        seen.add(key)
        if issubclass(to_model, Page):
            if pk is None or not may_see_page(user, pk):
                messages.append(REFUSED_PAGE.format(id=to_id))
        elif issubclass(to_model, document_model):
            document = document_model.objects.filter(pk=pk).first() if pk else None
            if document is None or not may_use_document(user, document):
                messages.append(REFUSED_DOCUMENT.format(id=to_id))
    return messages
