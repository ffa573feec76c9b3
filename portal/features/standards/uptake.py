"""Anonymised uptake of a standard: per clause, the share of opted-in organisations at each
answer, overall and by organisation type and size band.

No figure is shown for a group of fewer than ``MIN_GROUP`` organisations. Every view is a
partition of the same opted-in population (the groups of one breakdown add up to the whole),
so hiding a small group alone would not be enough: the whole minus the groups shown would
give it away. Within each breakdown the hidden groups therefore must together hold none or
at least ``MIN_GROUP`` organisations; when they do not, the smallest shown groups are hidden
too. Groups are made of organisations, not answers, and are the same for every clause, so
comparing clauses reveals nothing either.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max

from portal.core.organisations.models import OrganisationType, SizeBand
from portal.features.standards.models import Answer, Assessment, ClauseAnswer

MIN_GROUP = 5
# Figures are cached under a key that changes with any answer or opt-in (both touch the
# assessment's updated_at); an organisation changing its type or size band shows after this.
CACHE_SECONDS = 600
UNANSWERED = ""
STATUSES = [value for value, _ in Answer.choices] + [UNANSWERED]
STATUS_LABELS = dict(Answer.choices) | {UNANSWERED: "Not yet answered"}


@dataclass
class Group:
    key: str
    label: str
    size: int
    shown: bool = True
    # clause id -> {status: share in percent}
    shares: dict = field(default_factory=dict)

    def rows(self, clauses):
        """(clause, [share at each of STATUSES]) for each clause, for tables."""
        empty = dict.fromkeys(STATUSES, 0)
        return [(clause, [self.shares.get(clause.pk, empty)[status] for status in STATUSES])
                for clause in clauses]


@dataclass
class Breakdown:
    name: str
    groups: list


def suppress(sizes: dict[str, int]) -> set[str]:
    """The groups of one breakdown to hide: every group under ``MIN_GROUP``, then the smallest
    others until the hidden ones hold none or at least ``MIN_GROUP`` organisations."""
    hidden = {key for key, size in sizes.items() if 0 < size < MIN_GROUP}
    rest = sorted((size, key) for key, size in sizes.items() if key not in hidden and size)
    while 0 < sum(sizes[k] for k in hidden) < MIN_GROUP and rest:
        hidden.add(rest.pop(0)[1])
    return hidden


def _group_labels():
    types = dict(OrganisationType.choices)
    bands = dict(SizeBand.choices) | {"": "Not a firm (no size band)"}
    return {"type": types, "size": bands}


def figures(standard) -> tuple[int, bool, list[Breakdown]]:
    """(organisations counted, whether the overall figures may be shown, breakdowns)."""
    stamp = Assessment.objects.filter(standard=standard, aggregate=True).aggregate(
        n=Count("pk"), last=Max("updated_at"))
    last = stamp["last"].timestamp() if stamp["last"] else 0
    key = f"standards:uptake:{standard.pk}:{stamp['n']}:{last}"
    result = cache.get(key)
    if result is None:
        result = compute(standard)
        cache.set(key, result, CACHE_SECONDS)
    return result


def compute(standard) -> tuple[int, bool, list[Breakdown]]:
    """The figures, in two aggregate queries whatever the number of organisations and
    clauses."""
    counted = Assessment.objects.filter(standard=standard, aggregate=True,
                                        organisation__status="approved")
    orgs = list(counted.values("organisation__organisation_type", "organisation__size_band")
                .annotate(n=Count("pk")))
    rows = (ClauseAnswer.objects.filter(assessment__in=counted.values("pk"),
                                        clause__current=True)
            .values("clause_id", "status", "assessment__organisation__organisation_type",
                    "assessment__organisation__size_band")
            .annotate(n=Count("pk")))
    total = sum(o["n"] for o in orgs)
    sizes = {"all": {"all": total}, "type": defaultdict(int), "size": defaultdict(int)}
    for o in orgs:
        sizes["type"][o["organisation__organisation_type"]] += o["n"]
        sizes["size"][o["organisation__size_band"]] += o["n"]
    counts = {"all": defaultdict(lambda: defaultdict(int)),
              "type": defaultdict(lambda: defaultdict(int)),
              "size": defaultdict(lambda: defaultdict(int))}
    for row in rows:
        for name, key in (("all", "all"),
                          ("type", row["assessment__organisation__organisation_type"]),
                          ("size", row["assessment__organisation__size_band"])):
            counts[name][(key, row["clause_id"])][row["status"]] += row["n"]
    labels = _group_labels()
    breakdowns = []
    for name, title in (("all", "All opted-in organisations"), ("type", "By type"),
                        ("size", "By size band")):
        hidden = set(sizes[name]) if total < MIN_GROUP else suppress(dict(sizes[name]))
        groups = []
        for key, size in sorted(sizes[name].items(), key=lambda kv: str(kv[0])):
            label = "All" if name == "all" else labels[name].get(key, key)
            group = Group(key, label, size, shown=key not in hidden)
            if group.shown:
                for (group_key, clause_id), by_status in counts[name].items():
                    if group_key == key:
                        group.shares[clause_id] = {
                            status: round(100 * by_status.get(status, 0) / size)
                            for status in STATUSES}
            groups.append(group)
        breakdowns.append(Breakdown(title, groups))
    return total, total >= MIN_GROUP, breakdowns
