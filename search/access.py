"""The access policy bound to the database search index: its entries carry the item's access
fields, so the database applies the rule inside the search query itself."""

from portal.core.access import AccessPolicy

entry_policy = AccessPolicy("search.SearchEntry", copy_of_another=True)
