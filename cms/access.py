"""The access policy bound to shared items: every channel that shows an item asks it."""

from portal.core.access import AccessPolicy

item_policy = AccessPolicy("cms.ItemPage")
