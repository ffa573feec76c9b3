"""The access policy: the one place that decides who may see which shared item.

The rule is written once, as the list of *grants* a principal holds. A grant says "items with
this TLP label, optionally only where this field holds one of these values". :func:`grants` is a
pure function, so search engines compile it into their own filters. An :class:`AccessPolicy`
binds the rule to a model and compiles the same grants to a Django ``Q`` (``visible_q``) and to
a predicate for one item (``can_view``).

| label            | grant                                                          |
|------------------|----------------------------------------------------------------|
| TLP:CLEAR        | everyone                                                       |
| TLP:GREEN        | verified members of approved organisations                     |
| TLP:AMBER        | members of the source organisation or of a recipient organisation |
|                  | or of an organisation in a sharing group the item names          |
| TLP:AMBER+STRICT | members of the source organisation                             |
| TLP:RED          | the named individual recipients (and the item's owner)         |

Membership only counts for a user whose primary email is verified, in an approved organisation.
Superusers and moderators get no special treatment here: TLP is the source's decision.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Protocol

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q

from portal.core.tlp import TLP

# Fields a grant may constrain. Each names a property of a shared item.
SOURCE_ORG = "source_organisation"
RECIPIENT_ORGS = "recipient_organisations"
RECIPIENT_USERS = "recipient_users"
RECIPIENT_GROUPS = "recipient_groups"  # sharing groups of organisations (TLP:AMBER)
OWNER = "owner"


@dataclass(frozen=True)
class Principal:
    """Who is asking. Built once per request by :func:`principal_for`.

    ``roles`` holds ``(organisation id, role)`` for each membership of an approved organisation
    (roles as in ``organisations.Role``: member, contributor, publisher, admin) and
    ``(organisation id, capability)`` for each capability given on it (``organisations.
    Capability``: training lead, case handler, ...), for the rules of objects that only some
    members of an organisation may see.
    """

    user_id: int | None = None
    verified: bool = False
    organisation_ids: frozenset[int] = field(default_factory=frozenset)
    roles: frozenset[tuple[int, str]] = field(default_factory=frozenset)
    # The sharing groups that hold one of those organisations, read with them: an item naming
    # a group is shared with its organisations as they are now.
    sharing_group_ids: frozenset[int] = field(default_factory=frozenset)
    # False when no item names this person (as a TLP:RED recipient or owner): their personal
    # grants would match nothing, so they are left out and people with the same organisations
    # hold identical grants, and share cached pages (see :func:`principal_for`).
    named: bool = True

    def organisations_where(self, *roles: str) -> frozenset[int]:
        """The organisations in which this principal holds one of ``roles`` or capabilities
        (not implied ones: pass every role that qualifies)."""
        if not self.verified:
            return frozenset()
        return frozenset(org for org, role in self.roles if role in roles)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def is_community_member(self) -> bool:
        return self.verified and bool(self.organisation_ids)


ANONYMOUS = Principal()


@dataclass(frozen=True)
class Grant:
    """``label``: objects with this TLP label (None: objects that carry no label).
    ``field``/``values``: only where that field holds one of these ids (None: all of them)."""

    label: TLP | None
    field: str | None = None
    values: frozenset[int] = frozenset()


def grants(principal: Principal) -> list[Grant]:
    """Every shared item ``principal`` may see, as a list of grants. This is the TLP rule.

    Other kinds of restricted objects get their own rule below it, in this module, written
    the same way: a pure function from a principal to grants.
    """
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
        if principal.sharing_group_ids:
            result.append(Grant(TLP.AMBER, RECIPIENT_GROUPS, principal.sharing_group_ids))
    if principal.named:
        me = frozenset({principal.user_id})
        result += [Grant(TLP.RED, RECIPIENT_USERS, me), Grant(TLP.RED, OWNER, me)]
    return result


PERSONAL_FIELDS = (RECIPIENT_USERS, OWNER)


def grants_digest(principal: Principal) -> str:
    """A short, stable digest of ``principal``'s grants: what caches of visible content are keyed
    by. Two principals share it exactly when they hold the same grants, and so see the same."""
    canonical = sorted((grant.label.value, grant.field or "", sorted(grant.values))
                       for grant in grants(principal))
    return hashlib.sha256(repr(canonical).encode()).hexdigest()[:32]


def notification_rule(principal: Principal) -> list[Grant]:
    """A notification is its recipient's alone."""
    if principal.user_id is None:
        return []
    return [Grant(None, "recipient", frozenset({principal.user_id}))]


def follow_rule(principal: Principal) -> list[Grant]:
    """Following an item (to hear of its changes) is the follower's own business."""
    if principal.user_id is None:
        return []
    return [Grant(None, "user", frozenset({principal.user_id}))]


def _leads(principal: Principal) -> frozenset[int]:
    """Organisations whose training programme this principal runs: its admins and the
    members given the training-lead capability."""
    from portal.core.organisations.models import Capability, Role

    return principal.organisations_where(Role.ADMIN, Capability.TRAINING_LEAD)


def training_programme_rule(principal: Principal) -> list[Grant]:
    """An organisation's training programme (its acceptable-behaviour policy, its
    assignments) is seen by its members: it is what they are asked to do."""
    if principal.user_id is None or not principal.verified:
        return []
    return [Grant(None, "organisation", principal.organisation_ids)]


def training_lead_rule(principal: Principal) -> list[Grant]:
    """Running a programme, and its evidence: the organisation's admins and training leads."""
    if principal.user_id is None:
        return []
    return [Grant(None, "organisation", _leads(principal))]


def training_record_rule(principal: Principal) -> list[Grant]:
    """A person's training record (acknowledgements, completions, self-paced answers): their
    own, and all of an organisation's for its admins and training leads."""
    if principal.user_id is None:
        return []
    return [Grant(None, "user", frozenset({principal.user_id})),
            Grant(None, "organisation", _leads(principal))]


def training_session_rule(principal: Principal) -> list[Grant]:
    """A facilitated session: its facilitator, the people recorded as taking part, and the
    organisation's admins and training leads."""
    if principal.user_id is None:
        return []
    me = frozenset({principal.user_id})
    return [Grant(None, "facilitator", me), Grant(None, "participants", me),
            Grant(None, "organisation", _leads(principal))]


def training_event_rule(principal: Principal) -> list[Grant]:
    """Community training events are TLP:CLEAR or TLP:GREEN and follow the TLP rule."""
    return [grant for grant in grants(principal) if grant.label in (TLP.CLEAR, TLP.GREEN)]


def event_registration_rule(principal: Principal) -> list[Grant]:
    """A registration: the person registered, and the publishers and admins of the
    organisation running the event."""
    if principal.user_id is None:
        return []
    from portal.core.organisations.models import Role

    return [Grant(None, "user", frozenset({principal.user_id})),
            Grant(None, "organisation", principal.organisations_where(Role.PUBLISHER,
                                                                      Role.ADMIN))]


# Standards in practice. Roles and capabilities as in ``organisations.Role``/``Capability``.
def assessment_rule(principal: Principal) -> list[Grant]:
    """A self-assessment: members of the assessing organisation, and members of the
    organisations it is shared with (read-only, see :func:`assessment_editor_rule`)."""
    if not principal.verified or principal.user_id is None:
        return []
    orgs = principal.organisation_ids
    return [Grant(None, "organisation", orgs), Grant(None, "shared_with", orgs)]


def assessment_editor_rule(principal: Principal) -> list[Grant]:
    """Who edits a self-assessment: its organisation's admins, publishers and assessors."""
    return [Grant(None, "organisation",
                  principal.organisations_where("admin", "publisher", "assessor"))]


def mentoring_rule(principal: Principal) -> list[Grant]:
    """A mentoring pair: members of the mentoring and of the mentored organisation."""
    if not principal.verified or principal.user_id is None:
        return []
    orgs = principal.organisation_ids
    return [Grant(None, "mentor", orgs), Grant(None, "mentee", orgs)]


UPTAKE_FOR_COMMUNITY = 1  # standards.UptakeAudience.COMMUNITY


def uptake_rule(principal: Principal) -> list[Grant]:
    """A standard's anonymised uptake figures: the publishing organisation's publishers and
    admins, and the community when the publisher opens them (the standard's own label still
    applies on top)."""
    result = [Grant(None, "organisation", principal.organisations_where("admin", "publisher"))]
    if principal.is_community_member:
        result.append(Grant(None, "audience", frozenset({UPTAKE_FOR_COMMUNITY})))
    return result


def report_rule(principal: Principal) -> list[Grant]:
    """A confidential report is read only by its ``readers``: the case handlers of the channel
    it was sent to, minus any the reporter excluded (kept in step by the reporting feature).
    Someone who is no longer a case handler anywhere reads none, whatever the list says.
    Moderators and superusers get nothing here."""
    from portal.core.organisations.models import Capability

    if principal.user_id is None or not principal.organisations_where(Capability.CASE_HANDLER):
        return []
    return [Grant(None, "readers", frozenset({principal.user_id}))]


def channel_admin_rule(principal: Principal) -> list[Grant]:
    """A reporting channel is managed by its organisation's admins (settings, handlers, counts
    and deadlines; never report content)."""
    from portal.core.organisations.models import Role

    return [Grant(None, "organisation", principal.organisations_where(Role.ADMIN))]


class SharedItem(Protocol):
    """What the policy needs to know about one item (``cms.ItemPage`` provides it)."""

    tlp: str

    def access_values(self, field_name: str) -> set[int]: ...


Rule = Callable[[Principal], list[Grant]]


def viewer(principal: Principal, rule: Rule = grants) -> Callable[[SharedItem], bool]:
    """"May ``principal`` see this object?" for many objects: the grants are worked out once.

    Works on anything shaped like :class:`SharedItem`, model instance or not (digests check
    plain records built in bulk). Objects under a rule without labels need no ``tlp``.
    """
    by_label: dict[str | None, list[Grant]] = defaultdict(list)
    for grant in rule(principal):
        by_label[grant.label].append(grant)

    def may_see(item: SharedItem) -> bool:
        candidates = by_label.get(getattr(item, "tlp", None), ())
        return any(grant.field is None or grant.values & item.access_values(grant.field)
                   for grant in candidates)

    return may_see


# The fields the TLP rule reads, and what each must be on a model it guards.
ITEM_FIELDS = {"tlp": models.CharField, SOURCE_ORG: models.ForeignKey,
               OWNER: models.ForeignKey, RECIPIENT_ORGS: models.ManyToManyField,
               RECIPIENT_USERS: models.ManyToManyField,
               RECIPIENT_GROUPS: models.ManyToManyField}
# What an item's grants read, and the many-to-many part of it: prefetch these wherever many
# items are checked, and read them all into a Snapshot to check many people against one item.
GRANT_FIELDS = tuple(name for name in ITEM_FIELDS if name != "tlp")
GRANT_RELATIONS = tuple(name for name, kind in ITEM_FIELDS.items()
                        if kind is models.ManyToManyField)


class Snapshot:
    """An item's label and access values, read once (from prefetched relations), for
    checking many principals against it with :func:`viewer`."""

    def __init__(self, tlp: str, values: dict[str, set[int]]):
        self.tlp = tlp
        self.values = values

    @classmethod
    def of(cls, item) -> Snapshot:
        return cls(item.tlp, {name: item.access_values(name) for name in GRANT_FIELDS})

    def access_values(self, field_name: str) -> set[int]:
        return self.values[field_name]


class AccessPolicy:
    """A rule bound to one model that carries the fields the rule reads.

    Built, as Wagtail's permission policies are, with a model or an ``"app_label.Model"``
    string that is resolved on first use, so the core never imports the models it guards.
    ``rule`` defaults to the TLP rule (:func:`grants`), whose models need ``tlp``, foreign keys
    ``source_organisation`` and ``owner`` and many-to-many ``recipient_organisations``,
    ``recipient_users`` and ``recipient_groups``; a policy for another kind of object names
    its rule and its ``fields`` (name: model field class). :func:`check_policies` verifies
    them at start-up.
    """

    def __init__(self, model, rule: Rule = grants, fields: dict | None = None, *,
                 copy_of_another=False):
        self._model = model
        self.rule = rule
        self.fields = ITEM_FIELDS if fields is None else fields
        # A copy (a search index) names no one its source does not: only sources are asked
        # whether anyone is named (see without_unused_personal_grants).
        self.copy_of_another = copy_of_another
        _policies.append(self)

    @cached_property
    def model(self):
        if isinstance(self._model, str):
            return apps.get_model(self._model)
        return self._model

    def __repr__(self):
        name = self._model if isinstance(self._model, str) else self._model._meta.label
        return f"<AccessPolicy {name}>"

    def visible_q(self, principal: Principal) -> Q:
        """A filter for this model's querysets: what ``principal`` may see.

        Many-to-many grants become ``pk__in`` subqueries, so the result has no duplicate rows
        and composes with any other filter or ordering.
        """
        return self._compile(self.rule(principal))

    def names(self, principal: Principal) -> bool:
        """Does any instance grant ``principal`` access by name (a personal TLP grant)?"""
        if self.rule is not grants or self.copy_of_another:
            return False
        personal = [grant for grant in grants(principal) if grant.field in PERSONAL_FIELDS]
        return bool(personal) and self.model._default_manager.filter(
            self._compile(personal)).exists()

    def _compile(self, grant_list) -> Q:
        query = Q(pk__in=[])  # no grant, nothing visible
        for grant in grant_list:
            condition = Q() if grant.label is None else Q(tlp=grant.label)
            if grant.field is None:
                pass
            elif self.model._meta.get_field(grant.field).many_to_many:
                relation = getattr(self.model, grant.field)
                own = relation.field.m2m_field_name()
                target = relation.field.m2m_reverse_field_name()
                ids = relation.through.objects.filter(
                    **{f"{target}__in": grant.values}).values(own)
                condition &= Q(pk__in=ids)
            else:
                column = self.model._meta.get_field(grant.field).attname
                condition &= Q(**{f"{column}__in": grant.values})
            query |= condition
        return query

    def visible(self, principal: Principal, queryset=None):
        """``queryset`` (default: every instance) narrowed to what ``principal`` may see."""
        if queryset is None:
            queryset = self.model._default_manager.all()
        return queryset.filter(self.visible_q(principal))

    def can_view(self, principal: Principal, item) -> bool:
        """May ``principal`` see ``item``? Items may define ``access_values(field)``; other
        instances are read field by field."""
        if not hasattr(item, "access_values"):
            item = _FieldReader(item)
        return viewer(principal, self.rule)(item)

    def check(self) -> list[checks.CheckMessage]:
        try:
            model = self.model
        except (LookupError, ValueError) as error:
            return [checks.Error(f"{self!r}: {error}", id="access.E001")]
        errors = []
        for name, kind in self.fields.items():
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                model_field = None
            if not isinstance(model_field, kind):
                errors.append(checks.Error(
                    f"{model._meta.label} has no {kind.__name__} {name!r}, so the access "
                    f"policy cannot decide who sees it.", obj=model, id="access.E002"))
        return errors


class _FieldReader:
    """An instance seen as :class:`SharedItem`: a foreign key gives its id, a many-to-many
    field the ids it holds, any other field its value."""

    def __init__(self, instance):
        self.instance = instance
        self.tlp = getattr(instance, "tlp", None)

    def access_values(self, field_name: str) -> set[int]:
        model_field = self.instance._meta.get_field(field_name)
        if model_field.many_to_many:
            return set(getattr(self.instance, field_name).values_list("pk", flat=True))
        value = getattr(self.instance, model_field.attname)
        return set() if value is None else {value}


_policies: list[AccessPolicy] = []


def check_policies(**kwargs) -> list[checks.CheckMessage]:
    """System check: every policy's model carries the access fields."""
    return [error for policy in _policies for error in policy.check()]


def principal_for_user(user) -> Principal:
    """The principal for a user object (anonymous or not). Two small queries."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    return principals_for_users([user]).get(user.pk, ANONYMOUS)


def principals_for_users(users) -> dict[int, Principal]:
    """Principals for many users at once, in two queries (digests build them per chunk).

    Only a verified primary address counts, and only memberships of approved organisations.
    Inactive users are left out: they are anonymous. Sharing groups come with the memberships,
    so a change of a group's organisations counts from the next principal built.
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
    roles: dict[int, set[tuple[int, str]]] = defaultdict(set)
    groups: dict[int, set[int]] = defaultdict(set)
    for user_id, org_id, role, capability, group_id in Membership.objects.filter(
        user_id__in=list(active), organisation__status=OrganisationStatus.APPROVED
    ).values_list("user_id", "organisation_id", "role", "capabilities__capability",
                  "organisation__sharing_groups"):
        roles[user_id].add((org_id, role))
        if capability:
            roles[user_id].add((org_id, capability))
        if group_id:
            groups[user_id].add(group_id)
    return {
        pk: Principal(user_id=pk, verified=user.email.lower() in verified[pk],
                      organisation_ids=frozenset(org for org, _ in roles[pk]),
                      roles=frozenset(roles[pk]), sharing_group_ids=frozenset(groups[pk]))
        for pk, user in active.items()
    }


def without_unused_personal_grants(principal: Principal, request=None) -> Principal:
    """``principal``, marked not ``named`` when no guarded item names them individually.

    Leaving out grants that match nothing changes nothing anyone may see; it lets members of the
    same organisations share cached pages. The answer is cached per content version (which moves
    whenever an item's label or recipients change). Even a stale answer cannot leak: a stale
    "named" only keeps this person's entries apart, a stale "not named" only hides RED items
    from them until the version moves.
    """
    if principal.user_id is None or not principal.verified:
        return principal
    from django.core.cache import cache

    from portal.core.caching import cache_key, content_version

    key = cache_key("access-named", content_version(request), principal.user_id)
    named = cache.get(key)
    if named is None:
        named = any(policy.names(principal) for policy in _policies)
        cache.set(key, named, NAMED_SECONDS)
    return principal if named else replace(principal, named=False)


NAMED_SECONDS = 600


def principal_for(request) -> Principal:
    """The principal for a request, computed once and kept on the request."""
    cached = getattr(request, "_access_principal", None)
    if cached is None:
        cached = without_unused_personal_grants(
            principal_for_user(getattr(request, "user", None)), request)
        request._access_principal = cached
    return cached


# The security audit trail is a second kind of restricted object, with a grant of its own:
# portal moderators and site admins read all of it; an organisation admin reads the events
# of the approved organisations they administer; nobody else reads any of it.


def audit_trail_q(user) -> Q | None:
    """The audit events ``user`` may read, as a filter on AuditEvent; None for none at all."""
    from portal.core.accounts.moderators import is_moderator
    from portal.core.organisations.models import Membership, OrganisationStatus, Role

    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if is_moderator(user):
        return Q()
    administered = list(Membership.objects.filter(
        user=user, role=Role.ADMIN, organisation__status=OrganisationStatus.APPROVED,
    ).values_list("organisation_id", flat=True))
    return Q(organisation_id__in=administered) if administered else None
