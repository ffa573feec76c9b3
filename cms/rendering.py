"""Rendering resolves only what the reader may see.

A rich-text link or a document block stores an id; Wagtail turns it into a URL (and a title)
whoever reads. Here the reader is the request being served (kept by ``cms.middleware``; outside
a request, such as in emails, the reader is anonymous), and a page or document the reader may
not see renders exactly as a missing one: a link without an address, no document.
"""

from contextvars import ContextVar

from django.contrib.auth.models import AnonymousUser
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from cms.admin_visibility import admin_visible_pages, may_see_document

current_request: ContextVar = ContextVar("current_request", default=None)


def reader():
    request = current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None else AnonymousUser()


def readable_documents(documents, user=None):
    user = user or reader()
    return [document for document in documents
            if document is not None and may_see_document(user, document)]


class ReaderPageLinkHandler(PageLinkHandler):
    @classmethod
    def get_many(cls, attrs_list):
        pages = super().get_many(attrs_list)
        ids = [page.pk for page in pages if page is not None]
        readable = set(admin_visible_pages(Page.objects.filter(pk__in=ids), reader())
                       .values_list("pk", flat=True))
        return [page if page is not None and page.pk in readable else None for page in pages]


class ReaderDocumentLinkHandler(DocumentLinkHandler):
    @classmethod
    def get_many(cls, attrs_list):
        documents = super().get_many(attrs_list)
        readable = {document.pk for document in readable_documents(documents)}
        return [document if document is not None and document.pk in readable else None
                for document in documents]
