from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.demo.loader import totp_secret


class Command(BaseCommand):
    help = ("Print the current two-factor code of the demo accounts that need one (site admin, "
            "moderator, organisation admins, publishers, contributors). DEBUG only.")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo two-factor codes exist for local development only.")
        from allauth.mfa.totp.internal.auth import (
            format_hotp_value,
            hotp_value,
            yield_hotp_counters_from_time,
        )

        counter = next(iter(yield_hotp_counters_from_time()))
        self.stdout.write(format_hotp_value(hotp_value(totp_secret(), counter)))
