"""Who may download a document: the document's own organisation decides, by the access rule.

A document belongs to the organisation whose collection holds it, and is served to whoever may
see a live item of that organisation that uses it (see ``cms.admin_visibility.may_download``).
Another organisation's page that refers to the document widens nothing. Managing a collection
does not open its files: a TLP:RED item's attachment is for its recipients, not for every
editor of the source. Superusers, and the person who uploaded the file, may always fetch it.
"""

from portal.core import access


def can_download(request, document) -> bool:
    return may_fetch(request.user, access.principal_for(request), document)


def may_fetch(user, principal, document) -> bool:
    from cms.admin_visibility import may_download

    if user.is_authenticated and (user.is_superuser or document.uploaded_by_user_id == user.pk):
        return True
    return may_download(principal, document)
