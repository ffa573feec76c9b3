"""The access policies of standards practice, bound to their models. The rules themselves
live with every other rule in ``portal.core.access``; views, exports and admin screens use
only these policies (and ``cms.access.item_policy`` for the standard each object belongs to).
"""

from django.db import models

from cms.access import item_policy
from portal.core.access import (
    AccessPolicy,
    assessment_editor_rule,
    assessment_rule,
    mentoring_rule,
    uptake_rule,
)
from portal.core.accounts.moderators import is_moderator

assessment_policy = AccessPolicy(
    "standards.Assessment", rule=assessment_rule,
    fields={"organisation": models.ForeignKey, "shared_with": models.ManyToManyField})
assessment_editing = AccessPolicy(
    "standards.Assessment", rule=assessment_editor_rule,
    fields={"organisation": models.ForeignKey})
mentoring_policy = AccessPolicy(
    "standards.Mentoring", rule=mentoring_rule,
    fields={"mentor": models.ForeignKey, "mentee": models.ForeignKey})
uptake_policy = AccessPolicy(
    "standards.UptakeSetting", rule=uptake_rule,
    fields={"organisation": models.ForeignKey, "audience": models.PositiveSmallIntegerField})


def may_read_uptake(principal, user, setting) -> bool:
    """Uptake figures: the standard must be visible to the reader; then the uptake rule, or a
    portal moderator (a portal-wide role that principals do not carry). The figures are
    anonymised and suppressed below five organisations for every reader alike."""
    if not item_policy.can_view(principal, setting.standard):
        return False
    return uptake_policy.can_view(principal, setting) or is_moderator(user)
