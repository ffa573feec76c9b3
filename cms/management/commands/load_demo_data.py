from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cms.demo.loader import DemoLoader
from cms.demo.people import DEMO_PASSWORD, DEMO_TOTP_SECRET, USERS


class Command(BaseCommand):
    help = (
        "Create the demo site: organisations of every type, a user for every role (one shared "
        "demo password) and a library of items under every label. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Load demo accounts even with DEBUG off (never do this in production).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo data creates accounts with a published password, so it only loads with "
                "DEBUG on. Use --force if you really mean it."
            )
        DemoLoader(stdout=self.stdout).run()
        call_command("update_index", verbosity=0)  # Wagtail's admin search
        call_command("rebuild_search_index", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"\nDemo sign-ins (password: {DEMO_PASSWORD}):"))
        for email, _first, _last, org, role, flags in USERS:
            what = ("site admin" if flags.get("superuser") else
                    "portal moderator" if flags.get("moderator") else
                    "unverified email" if flags.get("unverified") else
                    f"{role} of {org}" if org else "signed-in visitor, no organisation")
            self.stdout.write(f"  {email:42} {what}")
        self.stdout.write(
            "\nEditors, publishers, organisation admins, the moderator and the site admin also "
            f"need a two-factor code: add the secret {DEMO_TOTP_SECRET} to an authenticator "
            "app, or run `.venv/bin/python manage.py demo_totp_code`."
        )
