from django import template

from cms.rendering import readable_documents

register = template.Library()


@register.filter
def readable(document):
    """The document, if the reader may see it (see cms.rendering); otherwise nothing."""
    return document if document is not None and readable_documents([document]) else None
