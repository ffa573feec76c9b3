from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
from wagtail.models import Page

from cms.bootstrap import ensure_site
from cms.models import ItemPage
from cms.synthetic import SyntheticItems, ensure_organisations, ensure_people
from search import indexing
from search.models import SearchEntry
from search.synthetic import SyntheticIndex

SEED = 20250601
MAX_ITEMS = 5_000_000


class Command(BaseCommand):
    help = (
        "Grow a seeded synthetic library, for benchmarks and trials: the site, approved "
        "organisations, people (none can sign in) and items, as published pages or, with "
        "--index-only, written straight into the search index. Each number is the total "
        "wanted: running it again adds only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=0, help="synthetic items in all")
        parser.add_argument("--organisations", type=int, default=12,
                            help="synthetic approved organisations in all")
        parser.add_argument("--people", type=int, default=9, help="synthetic people in all")
        parser.add_argument("--index-only", action="store_true",
                            help="write search index entries without pages (fast, for "
                                 "search at scale; a full re-index removes them)")
        parser.add_argument("--seed", type=int, default=SEED)

    def handle(self, *args, items, organisations, people, index_only, seed, **options):
        if not 0 <= items <= MAX_ITEMS:
            raise CommandError(f"--items must be between 0 and {MAX_ITEMS:,}")
        if organisations < 1 or people < 1:
            raise CommandError("--organisations and --people must be at least 1")
        with transaction.atomic():
            pages = ensure_site()
            orgs = ensure_organisations(organisations)
            persons = ensure_people(people, orgs)
        if index_only:
            have = SearchEntry.objects.filter(version__startswith="synthetic-").count()
            # Above every page id, so no real item's entry is overwritten.
            first = max(Page.objects.aggregate(m=Max("pk"))["m"] or 0,
                        SearchEntry.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
            written = SyntheticIndex(orgs, persons, seed + have).write(first, max(0, items - have))
            added = written["entries"]
        else:
            existing = ItemPage.objects.filter(slug__startswith="synthetic-item-")
            have = existing.count()
            maker = SyntheticItems(orgs, persons, seed + have)
            for number in range(have, items):
                with transaction.atomic():
                    page = maker.make_page(number)
                indexing.sync_item(page.pk)  # now, not when a worker gets to it
            added = max(0, items - have)
        what = "index entries" if index_only else "items"
        self.stdout.write(
            f"Synthetic library: {pages} site pages, {len(orgs)} organisations, "
            f"{len(persons)} people; {added} {what} added, {max(items, have)} in all.")
