"""Cached pages and fragments show pages, items, organisations, topics, audiences and
documents: any change to one of those moves the content version (portal.core.caching), so the
next request renders afresh. Publishing, unpublishing, moving, relabelling, changing recipients
and deleting all save or delete a page, and Wagtail's own signals are caught as well."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.documents import get_document_model
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.models import Audience, ItemAttachment, Topic
from portal.core.caching import content_changed
from portal.core.organisations.models import Organisation


def _shown():
    return (Page, Site, Topic, Audience, Organisation, ItemAttachment, get_document_model())


@receiver(post_save)
@receiver(post_delete)
def shown_object_changed(sender, instance, **kwargs):
    if isinstance(instance, _shown()):
        content_changed()


@receiver(m2m_changed)
def shown_relation_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, _shown()):
        content_changed()


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def page_state_changed(sender, **kwargs):
    content_changed()
