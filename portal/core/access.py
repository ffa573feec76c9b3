"""The access policy: the one place that decides who may see which shared item.

The rule is written once, as the list of *grants* a principal holds. A grant says "items with
this TLP label, optionally only where this field holds one of these values". The same grants
compile to a Django ``Q`` for database queries (:func:`visible_q`), to a search engine filter
(:func:`grants` is public for that) and to a Python predicate for one item (:func:`can_view`).

| label            | grant                                                          |
|------------------|----------------------------------------------------------------|
| TLP:CLEAR        | everyone                                                       |
| TLP:GREEN        | verified members of approved organisations                     |
| TLP:AMBER        | members of the source organisation or of a recipient organisation |
| TLP:AMBER+STRICT | members of the source organisation                             |
| TLP:RED          | the named individual recipients (and the item's owner)         |

Membership only counts for a user whose primary email is verified, in an approved organisation.
Superusers and moderators get no special treatment here: TLP is the source's decision.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Protocol

from django.db.models import Q

from portal.core.tlp import TLP

# Fields a grant may constrain. Each names a property of a shared item.
SOURCE_ORG = "source_organisation"
RECIPIENT_ORGS = "recipient_organisations"
RECIPIENT_USERS = "recipient_users"
OWNER = "owner"


@dataclass(frozen=True)
class Principal:
    """Who is asking. Built once per request by :func:`principal_for`."""

    user_id: int | None = None
    verified: bool = False
    organisation_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def is_community_member(self) -> bool:
        return self.verified and bool(self.organisation_ids)


ANONYMOUS = Principal()


@dataclass(frozen=True)
class Grant:
    label: TLP
    field: str | None = None  # None: every item with the label
    values: frozenset[int] = frozenset()


def grants(principal: Principal) -> list[Grant]:
    """Everything ``principal`` may see, as a list of grants. This is the rule."""
    result = [Grant(TLP.CLEAR)]
    if not principal.verified or principal.user_id is None:
        return result
    orgs = principal.organisation_ids
    if orgs:
        result += [
            Grant(TLP.GREEN),
            Grant(TLP.AMBER, SOURCE_ORG, orgs),
            Grant(TLP.AMBER, RECIPIENT_ORGS, orgs),
            Grant(TLP.AMBER_STRICT, SOURCE_ORG, orgs),
        ]
    me = frozenset({principal.user_id})
    result += [Grant(TLP.RED, RECIPIENT_USERS, me), Grant(TLP.RED, OWNER, me)]
    return result


class SharedItem(Protocol):
    """What the policy needs to know about an item (cms.ItemPage provides it)."""

    tlp: str

    def access_values(self, field_name: str) -> set[int]: ...


def can_view(principal: Principal, item: SharedItem) -> bool:
    """May ``principal`` see ``item``?"""
    return viewer(principal)(item)


def viewer(principal: Principal):
    """``can_view`` for one principal and many items: the grants are worked out once."""
    by_label: dict[str, list[Grant]] = defaultdict(list)
    for grant in grants(principal):
        by_label[grant.label].append(grant)

    def may_see(item: SharedItem) -> bool:
        return any(grant.field is None or grant.values & item.access_values(grant.field)
                   for grant in by_label.get(item.tlp, ()))

    return may_see


def visible_q(principal: Principal, model=None) -> Q:
    """A filter for querysets of ``model`` (default ``cms.ItemPage``).

    Any model with the item's access fields works: ``tlp``, foreign keys ``source_organisation``
    and ``owner``, many-to-many ``recipient_organisations`` and ``recipient_users`` (the search
    index's entries have them too). Many-to-many grants become ``pk__in`` subqueries, so the
    result never has duplicate rows.
    """
    if model is None:
        from cms.models import ItemPage as model

    query = Q()
    for grant in grants(principal):
        condition = Q(tlp=grant.label)
        if grant.field in (SOURCE_ORG, OWNER):
            condition &= Q(**{f"{grant.field}_id__in": grant.values})
        elif grant.field is not None:
            relation = getattr(model, grant.field)
            through = relation.through
            own = relation.field.m2m_field_name()
            target = relation.field.m2m_reverse_field_name()
            ids = through.objects.filter(**{f"{target}__in": grant.values}).values(own)
            condition &= Q(pk__in=ids)
        query |= condition
    return query


def principal_for_user(user) -> Principal:
    """The principal for a user object (anonymous or not). Two small queries."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    return principals_for_users([user]).get(user.pk, ANONYMOUS)


def principals_for_users(users) -> dict[int, Principal]:
    """Principals for many users at once, in two queries (digests build them per chunk).

    Only a verified primary address counts, and only memberships of approved organisations.
    Inactive users are left out: they are anonymous.
    """
    from allauth.account.models import EmailAddress

    from portal.core.organisations.models import Membership, OrganisationStatus

    active = {user.pk: user for user in users if user.is_active}
    if not active:
        return {}
    verified: dict[int, set[str]] = defaultdict(set)
    for user_id, email in EmailAddress.objects.filter(
        user_id__in=list(active), verified=True
    ).values_list("user_id", "email"):
        verified[user_id].add(email.lower())
    orgs: dict[int, set[int]] = defaultdict(set)
    for user_id, org_id in Membership.objects.filter(
        user_id__in=list(active), organisation__status=OrganisationStatus.APPROVED
    ).values_list("user_id", "organisation_id"):
        orgs[user_id].add(org_id)
    return {
        pk: Principal(user_id=pk, verified=user.email.lower() in verified[pk],
                      organisation_ids=frozenset(orgs[pk]))
        for pk, user in active.items()
    }


def principal_for(request) -> Principal:
    """The principal for a request, computed once and kept on the request."""
    cached = getattr(request, "_access_principal", None)
    if cached is None:
        cached = principal_for_user(getattr(request, "user", None))
        request._access_principal = cached
    return cached


# The security audit trail is a second kind of restricted object, with a grant of its own:
# portal moderators and site admins read all of it; an organisation admin reads the events
# of the approved organisations they administer; nobody else reads any of it.


def audit_trail_q(user) -> Q | None:
    """The audit events ``user`` may read, as a filter on AuditEvent; None for none at all."""
    from portal.core.organisations.models import Membership, OrganisationStatus, Role
    from portal.core.organisations.provisioning import is_moderator

    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if is_moderator(user):
        return Q()
    administered = list(Membership.objects.filter(
        user=user, role=Role.ADMIN, organisation__status=OrganisationStatus.APPROVED,
    ).values_list("organisation_id", flat=True))
    return Q(organisation_id__in=administered) if administered else None
