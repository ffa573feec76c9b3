# The moderator's reason now also explains a suspension: renamed in place, keeping the reasons
# already given for rejections.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("organisations", "0006_organisation_type"),
    ]

    operations = [
        migrations.RenameField(
            model_name="organisation", old_name="rejection_reason", new_name="decision_reason",
        ),
        migrations.AlterField(
            model_name="organisation",
            name="decision_reason",
            field=models.TextField(
                blank=True, max_length=1000, verbose_name="reason",
                help_text="Required to reject or suspend: a rejection's reason reaches the person "
                          "who registered the organisation, a suspension's reaches all its "
                          "members.",
            ),
        ),
    ]
