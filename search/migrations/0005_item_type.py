from django.db import migrations


class Migration(migrations.Migration):
    """One word for an item's type: the entry's column is item_type, as in URLs (type=) and
    the API. Both databases rename the column in place, and their indexes follow it, including
    the covering facet index that 0003 created by hand."""

    dependencies = [("search", "0004_relevance")]

    operations = [
        migrations.RenameField("searchentry", "kind", "item_type"),
    ]
