from django.core.management.base import BaseCommand

from cms.bootstrap import ensure_site


class Command(BaseCommand):
    help = (
        "Create the site's page tree (home, libraries, topic index, organisation directory) "
        "and its topics and audiences, without any demo organisation, person or item. Safe to "
        "run again."
    )

    def handle(self, *args, **options):
        created = ensure_site()
        self.stdout.write(f"Site ready: {created} pages created.")
