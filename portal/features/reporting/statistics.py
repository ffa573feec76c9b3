"""Yearly transparency figures per channel, with every count under five suppressed so that no
small group of reports can be singled out."""

from statistics import median

from portal.features.reporting.models import Outcome, Report

SUPPRESS_BELOW = 5


def _cell(count: int) -> str:
    return "fewer than 5" if count < SUPPRESS_BELOW else str(count)


def yearly(channel) -> list[dict]:
    rows = list(Report.objects.filter(channel=channel).values_list(
        "received_at", "category", "outcome", "acknowledged_at"))
    years = sorted({received.year for received, *_ in rows}, reverse=True)
    result = []
    outcomes = dict(Outcome.choices)
    for year in years:
        in_year = [row for row in rows if row[0].year == year]
        by_category, by_outcome = {}, {}
        for _, category, outcome, _ack in in_year:
            by_category[category] = by_category.get(category, 0) + 1
            label = outcomes.get(outcome, "Still open")
            by_outcome[label] = by_outcome.get(label, 0) + 1
        days = [(ack - received).total_seconds() / 86400
                for received, _, _, ack in in_year if ack is not None]
        result.append({
            "year": year,
            "total": _cell(len(in_year)),
            "by_category": sorted((name, _cell(n)) for name, n in by_category.items()),
            "by_outcome": sorted((name, _cell(n)) for name, n in by_outcome.items()),
            "median_days_to_acknowledge": (f"{median(days):.1f}"
                                           if len(days) >= SUPPRESS_BELOW else "not shown"),
        })
    return result
