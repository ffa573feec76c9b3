"""The editor's list of items (**Items** in the admin menu): every item the editor may see,
with its TLP label as a column and a filter, so a publisher checks what is shared how.

A Wagtail page listing of ``ItemPage``; its rows come from the page permission policy
(``EditorPagePermissionPolicy``), so the editor's rule applies as in the explorer.
"""

from django.forms import CheckboxSelectMultiple
from django_filters.filters import MultipleChoiceFilter
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import PageFilterSet, PageListingMixin
from wagtail.admin.viewsets.pages import PageListingViewSet

from cms.models import ItemPage
from portal.core.tlp import TLP


class ItemFilterSet(PageFilterSet):
    tlp = MultipleChoiceFilter(label="TLP", choices=TLP.choices, widget=CheckboxSelectMultiple)

    class Meta:
        model = ItemPage
        fields = []


TLP_COLUMN = Column("tlp", label="TLP", accessor="get_tlp_display", sort_key="tlp", width="12%")


class ItemListingViewSet(PageListingViewSet):
    model = ItemPage
    name = "items"
    icon = "doc-full"
    menu_label = "Items"
    menu_order = 150
    add_to_admin_menu = True
    filterset_class = ItemFilterSet
    columns = [*PageListingMixin.base_columns[:2], TLP_COLUMN, *PageListingMixin.base_columns[2:]]

    def get_common_view_kwargs(self, **kwargs):
        # Items are added under their organisation's page in the explorer: an "Add" button here
        # would lead to a choice of parents that has none.
        return {**super().get_common_view_kwargs(**kwargs), "add_url_name": None}
