from django.db import migrations, models


class Migration(migrations.Migration):
    """One name for an organisation's sector: organisation_type, as on every page, in URLs
    (org_type=) and the API. The column is renamed in place; the label change is the model's
    only and touches no table."""

    dependencies = [("organisations", "0005_sharing_groups")]

    operations = [
        migrations.RenameField("organisation", "kind", "organisation_type"),
        migrations.AlterField(
            model_name="organisation",
            name="organisation_type",
            field=models.CharField(
                choices=[("government", "Government"), ("industry", "Industry"),
                         ("academia", "Academia"), ("civil_society", "Civil society"),
                         ("trade_body", "Trade body")],
                max_length=20, verbose_name="organisation type"),
        ),
    ]
