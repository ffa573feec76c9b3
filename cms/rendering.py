"""Rendering resolves only what the reader may see.

A rich-text link or a document block stores an id; Wagtail turns it into a URL (and a title)
whoever reads. Here the reader is the request being served (kept by ``cms.middleware``; outside
a request, such as in emails, the reader is anonymous), and a page or document the reader may
not see renders exactly as a missing one: a link without an address, no document. On the site
the access rule decides; in the admin (previews, drafts) the editor's rule does.
"""

from contextvars import ContextVar

from django.contrib.auth.models import AnonymousUser
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from cms.admin_gate import is_admin_route
from cms.admin_visibility import admin_visible_pages, may_see_document, unpublished_or_denied_q
from cms.downloads import may_fetch
from portal.core import access

current_request: ContextVar = ContextVar("current_request", default=None)


def reader():
    request = current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None else AnonymousUser()


def _in_admin():
    request = current_request.get()
    return request is not None and is_admin_route(getattr(request, "resolver_match", None))


def readable_pages(pages):
    if _in_admin():
        return admin_visible_pages(pages, reader())
    request = current_request.get()
    principal = access.principal_for(request) if request is not None else access.ANONYMOUS
    return pages.exclude(unpublished_or_denied_q(principal))


def readable_documents(documents):
    documents = [document for document in documents if document is not None]
    if _in_admin():
        return [document for document in documents if may_see_document(reader(), document)]
    request = current_request.get()
    principal = access.principal_for(request) if request is not None else access.ANONYMOUS
    return [document for document in documents if may_fetch(reader(), principal, document)]


class ReaderPageLinkHandler(PageLinkHandler):
    @classmethod
    def get_many(cls, attrs_list):
        pages = super().get_many(attrs_list)
        ids = [page.pk for page in pages if page is not None]
        readable = set(readable_pages(Page.objects.filter(pk__in=ids)).values_list("pk", flat=True))
        return [page if page is not None and page.pk in readable else None for page in pages]


class ReaderDocumentLinkHandler(DocumentLinkHandler):
    @classmethod
    def get_many(cls, attrs_list):
        documents = super().get_many(attrs_list)
        readable = {document.pk for document in readable_documents(documents)}
        return [document if document is not None and document.pk in readable else None
                for document in documents]
