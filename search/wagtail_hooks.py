from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.admin_gate import decide_namespace, no_items
from search.models import Synonym


class SynonymViewSet(SnippetViewSet):
    """Portal moderators keep the search's synonym list here; changes apply to the next search
    in every backend."""

    model = Synonym
    icon = "search"
    menu_label = "Search synonyms"
    add_to_admin_menu = True
    list_display = ["terms", "note"]
    search_fields = ["terms", "note"]


register_snippet(SynonymViewSet)

for namespace in ("wagtailsnippets_search_synonym", "wagtailsnippetchoosers_search_synonym"):
    decide_namespace(namespace, no_items("search synonyms, for portal moderators"))
