"""The access policy bound to shared items: every channel that shows an item asks it."""

from django.db import models

from portal.core import access
from portal.core.access import AccessPolicy

item_policy = AccessPolicy("cms.ItemPage")

# A follow is its person's alone (portal.core.access.follow_rule).
follow_policy = AccessPolicy("cms.Follow", rule=access.follow_rule,
                             fields={"user": models.ForeignKey})
