from datetime import timedelta

from django.db import migrations, models

PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def set_deadlines(apps, schema_editor):
    """Runs from before deadlines existed get the default: the end of the next window."""
    DigestRun = apps.get_model("digests", "DigestRun")
    for run in DigestRun.objects.filter(deadline__isnull=True):
        run.deadline = run.window_end + PERIODS[run.frequency]
        run.save(update_fields=["deadline"])


class Migration(migrations.Migration):

    dependencies = [
        ("digests", "0002_delivery_claim"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="next_attempt_at",
            field=models.DateTimeField(blank=True, help_text="When a delivery waiting to retry is tried again.", null=True),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="status",
            field=models.CharField(choices=[("pending", "Pending"), ("sending", "Sending"), ("retrying", "Waiting to retry"), ("sent", "Sent"), ("empty", "Nothing new"), ("failed", "Failed")], db_index=True, default="pending", max_length=10),
        ),
        migrations.AddField(
            model_name="digestrun",
            name="breaker_trips",
            field=models.PositiveSmallIntegerField(default=0, help_text="Pauses in a row, each twice as long as the last (capped)."),
        ),
        migrations.AddField(
            model_name="digestrun",
            name="paused_until",
            field=models.DateTimeField(blank=True, help_text="The mail server refused connections: sending waits until then.", null=True),
        ),
        migrations.AddField(
            model_name="digestrun",
            name="deadline",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(set_deadlines, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="digestrun",
            name="deadline",
            field=models.DateTimeField(help_text="What is still undelivered by then is recorded as failed."),
        ),
    ]
