"""Notifications: the one way the portal tells a person that something needs them.

Call :func:`portal.core.notifications.sending.notify`. It records an in-site notification and,
unless the person turned that kind off, queues an email through Celery. Neither ever carries
restricted content: a title that is safe for the recipient, and a link that checks access
again when followed.
"""
