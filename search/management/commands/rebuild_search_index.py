import time

from django.core.management.base import BaseCommand

from search import indexing
from search.engines import uses_elasticsearch


class Command(BaseCommand):
    help = ("Re-index every live item in bulk (database entries, and with Elasticsearch a new "
            "index swapped in atomically), then report any drift that remains.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        started = time.monotonic()
        target = "database and Elasticsearch" if uses_elasticsearch() else "database"
        self.stdout.write(f"Rebuilding the search index ({target})...")

        def progress(done, total):
            self.stdout.write(f"  {done}/{total} items", ending="\r" if done < total else "\n")

        count = indexing.rebuild(batch_size=batch_size, progress=progress)
        seconds = time.monotonic() - started
        rate = count / seconds if seconds else 0
        stale, gone = indexing.find_drift()
        self.stdout.write(self.style.SUCCESS(
            f"Indexed {count} items in {seconds:.1f}s ({rate:.0f} items/s); "
            f"drift after rebuild: {len(stale)} stale, {len(gone)} extra."
        ))
