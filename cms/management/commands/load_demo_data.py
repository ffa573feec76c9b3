from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cms.demo import loader
from cms.demo.signals import demo_loaded


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
        loader.DemoLoader(stdout=self.stdout).run()
        demo_loaded.send(sender=self.__class__, stdout=self.stdout)
        call_command("update_index", verbosity=0)  # Wagtail's admin search
        call_command("rebuild_search_index", stdout=self.stdout)
        password, people = loader.people()
        self.stdout.write(self.style.SUCCESS(f"\nDemo sign-ins (password: {password}):"))
        for person in people:
            org = person.get("organisation")
            what = ("site admin" if person.get("superuser") else
                    "portal moderator" if person.get("moderator") else
                    "unverified email" if person.get("unverified") else
                    f"{person['role']} of {org}" if org else "signed-in visitor, no organisation")
            self.stdout.write(f"  {person['email']:42} {what}")
        self.stdout.write(
            "\nEditors, publishers, organisation admins, the moderator and the site admin also "
            f"need a two-factor code: add the secret {loader.totp_secret()} to an authenticator "
            "app, or run `.venv/bin/python manage.py demo_totp_code`."
        )
