from django.db import migrations


class Migration(migrations.Migration):
    """One name for an organisation's sector: the entry's column is organisation_type, as on
    the organisation (organisations 0006), in URLs (org_type=) and the API. Both databases
    rename the column in place, and their indexes follow it, including the covering facet
    index that 0003 created by hand."""

    dependencies = [("search", "0006_entry_sharing_groups")]

    operations = [
        migrations.RenameField("searchentry", "organisation_kind", "organisation_type"),
    ]
