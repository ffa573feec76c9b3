"""Search latency and indexing throughput of the portal's database search backend.

Run from the project root::

    .venv/bin/python -m bench.search
    .venv/bin/python -m bench.search --sizes 10000 100000 --database both --queries 200
    .venv/bin/python -m bench.search --database sqlite --sizes 2000 --queries 50
    .venv/bin/python -m bench.search --database sqlite --tiny     # a smoke run, seconds

What it does, for each database (each in a subprocess of this script, so Django is set up once
per database):

1. a throwaway environment: a temporary PORTAL_VAR_DIR (deleted at the end unless ``--keep``)
   holding a fresh SQLite file, or a PostgreSQL database ``portal_bench_search`` on
   postgres://postgres@127.0.0.1:5432 (dropped if it exists, created, and dropped again at the
   end unless ``--keep``); DEBUG=0, a random SECRET_KEY, SEARCH_BACKEND=database, no REDIS_URL,
   a local-memory e-mail backend; any of the portal's settings variables in your shell are
   ignored. ``manage.py migrate`` runs in-process;
2. a small world from ``make_synthetic_library``'s generator (``cms.synthetic``): the site and
   its 7 topics and 4 audiences (``cms.bootstrap``), 12 approved organisations of mixed kinds,
   9 people, and one signed-in member: verified primary e-mail and a ``member`` membership of
   one organisation;
3. a synthetic library written straight into the search index by ``search.synthetic`` (as
   ``manage.py make_synthetic_library --index-only`` does: ``search.models.SearchEntry``
   and its many-to-many rows, bulk-created in batches of 1,000): seeded varied English from a
   few hundred domain words (title ~8 words, summary ~30, body ~250), the four content types,
   TLP labels 40% CLEAR / 30% GREEN / 15% AMBER (1-2 recipient organisations) / 10%
   AMBER+STRICT / 5% RED (1-2 recipient users), published over the last five years. The
   SQLite FTS5 table fills through its triggers and PostgreSQL computes its generated tsvector,
   so that cost is in the measured bulk throughput. Sizes grow in place (10,000, then 90,000
   more for 100,000);
4. per size: ``ANALYZE`` (and ``PRAGMA optimize`` on SQLite), then search latency as the member
   through ``search.service.search(principal, SearchRequest.from_params(QueryDict(...)))`` (first
   page, relevance sort, facets, the access filter) over a fixed mix of 14 queries of 10 kinds:
   common words, a mid-frequency word, a rare word, two words, a quoted phrase, a word with a
   content-type filter, a word with a topic filter, filters without text, a typo with no
   results (which runs the spelling-suggestion path), and words no entry has all of (which
   fall back to the relaxed, most-words match). Two warm-up passes over the mix, then
   ``--queries`` searches cycling through it. Autocomplete (``search.service.autocomplete``)
   with 2-4 letter prefixes is timed the same way;
5. per size: the per-publish cost, 500 entries (``--single-writes``) written one at a time as
   ``search.indexing.write_entry`` does (``SearchEntry.save()`` and ``.set()`` on the four
   many-to-many fields, one transaction each); they are deleted again afterwards.

It prints the machine (CPUs, load average, Python, Django, Wagtail, SQLite and PostgreSQL
versions), a table per database and size (bulk and single-entry writes per second, search
p50/p95/p99/max in ms, autocomplete p50/p95), the p95 per query kind, the share of searches
the relaxed match answered and their latency, the result counts of the queries, and the
targets with PASS/FAIL: search p95 under 150 ms on PostgreSQL and under 300 ms on SQLite at
100,000 entries.

Options (all optional):

    --sizes N [N ...]    index sizes to measure, built up in place (default 10000 100000)
    --database D         sqlite, postgres or both (default both)
    --queries N          measured searches per database and size (default 200); the same
                         number of autocomplete calls
    --postgres-url URL   server for the throwaway database (default
                         postgres://postgres@127.0.0.1:5432; loopback only)
    --explain            also show, for the slowest query kind at the largest size, each SQL
                         statement of one search, run again and timed with its fetch, and the
                         plan of the slowest one (EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL,
                         EXPLAIN QUERY PLAN on SQLite)
    --exact-counts       count every match exactly (SEARCH_EXACT_COUNT_LIMIT=0) instead of
                         on a sample beyond 10,000 matches, to see what exactness costs
    --single-writes N    entries written one at a time per database and size (default 500)
    --tiny               a smoke run: 200 entries, 24 searches and 20 single writes
                         (overrides --sizes, --queries and --single-writes)
    --json PATH          also write the results as JSON
    --keep               keep the temporary directory and the PostgreSQL database

The targets are for reading, not for the exit status: 0 when every measurement ran, 1 when a
database's run failed, 2 when the set-up failed (for example PostgreSQL is unreachable).
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote_plus, urlencode, urlsplit, urlunsplit

from bench.common import (
    LOOPBACK_NAMES,
    ROOT,
    SEED,
    SetupError,
    cpu_description,
    load_average,
    log,
    percentile,
    portal_env,
    redact,
)
from bench.common import (
    pg_recreate as recreate_database,
)

PG_DATABASE = "portal_bench_search"
DEFAULT_PG_SERVER = "postgres://postgres@127.0.0.1:5432"
TARGETS_AT = 100_000
TARGETS_MS = {"postgres": 150.0, "sqlite": 300.0}
DB_TITLES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
SINGLE_WRITES = 500
SINGLE_ID_BASE = 1_000_000_000
MAX_SIZE = 5_000_000


# (kind, query string): the fixed mix, in the order it is cycled.
QUERIES = [
    ("common word", {"q": "security"}),
    ("common word", {"q": "risk"}),
    ("mid word", {"q": "whistleblowing"}),
    ("rare word", {"q": "wassenaar"}),
    ("two words", {"q": "incident response"}),
    ("two words", {"q": "export licence"}),
    ("phrase", {"q": '"supply chain"'}),
    ("word+type", {"q": "disclosure", "type": "guidance"}),
    ("word+topic", {"q": "training", "topic": "export-controls"}),
    ("filter only", {"type": "standards"}),
    ("filter only", {"topic": "incident-response"}),
    ("typo, 0 hits", {"q": "whistleblowng"}),
    # No entry has both rare words, or all three words: the relaxed match (most of the
    # words) answers.
    ("relaxed", {"q": "wassenaar zeroisation"}),
    ("relaxed", {"q": "sigint tempest hotline"}),
]
QUERY_KINDS = list(dict.fromkeys(kind for kind, _ in QUERIES))
PREFIXES = ["ex", "sec", "vuln", "inc", "su", "trai", "dis", "whis"]





def summary_ms(seconds: list[float]) -> dict:
    values = sorted(s * 1000 for s in seconds)
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
            "p99": percentile(values, 99), "max": values[-1] if values else None}


# --- the worker: one database, Django set up in this process ---------------------------------


def worker_main(args: argparse.Namespace) -> int:
    import django

    django.setup()
    worker = Worker(args)
    result = worker.run()
    Path(args.result).write_text(json.dumps(result, indent=2))
    return 0


class Worker:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.built = 0

    # -- set-up ------------------------------------------------------------------------------
    def run(self) -> dict:
        from django.core.management import call_command
        from django.db import connection

        started = time.perf_counter()
        log(f"{self.args.worker}: migrate")
        call_command("migrate", interactive=False, verbosity=0)
        migrate_s = time.perf_counter() - started
        self.make_world()
        from portal.core.access import principal_for_user

        self.principal = principal_for_user(self.member)
        if not (self.principal.verified and self.principal.organisation_ids):
            raise RuntimeError(f"the member is not a verified member: {self.principal}")
        result = {"database": self.database_version(), "vendor": connection.vendor,
                  "migrate_s": migrate_s, "settings": self.database_settings(), "sizes": []}
        for size in sorted(set(self.args.sizes)):
            result["sizes"].append(self.measure_size(size))
        if self.args.explain:
            result["explain"] = self.explain(result["sizes"][-1])
        return result

    def database_version(self) -> str:
        from django.db import connection

        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW server_version")
                return "PostgreSQL " + cursor.fetchone()[0]
            cursor.execute("SELECT sqlite_version()")
            return "SQLite " + cursor.fetchone()[0]

    def database_settings(self) -> str:
        from django.db import connection

        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                shown = []
                for name in ("shared_buffers", "work_mem", "effective_cache_size", "jit"):
                    cursor.execute(f"SHOW {name}")
                    shown.append(f"{name}={cursor.fetchone()[0]}")
                return ", ".join(shown)
            shown = []
            for name in ("journal_mode", "synchronous", "cache_size", "page_size"):
                cursor.execute(f"PRAGMA {name}")
                shown.append(f"{name}={cursor.fetchone()[0]}")
            return ", ".join(shown)

    def make_world(self) -> None:
        from cms.bootstrap import ensure_site
        from cms.synthetic import ensure_organisations, ensure_people
        from search.synthetic import SyntheticIndex

        ensure_site()
        self.orgs = ensure_organisations(12)
        self.people = ensure_people(9, self.orgs)
        self.member = self.people[0]
        self.index = SyntheticIndex(self.orgs, self.people, SEED)

    # -- the library ---------------------------------------------------------------------------
    def bulk_write(self, first: int, count: int) -> dict:
        """Entries first..first+count-1 in batches; returns the write time (text excluded)."""

        def progress(done):
            log(f"{self.args.worker}: {first + done - 1:,} entries written")

        return self.index.write(first, count, progress=progress)

    def single_writes(self, count: int) -> dict:
        """Entries written one at a time, as search.indexing.write_entry does, then removed."""
        from django.db import transaction

        from search.models import SearchEntry
        from search.synthetic import SyntheticIndex

        single = SyntheticIndex(self.orgs, self.people, SEED + 1)
        times = []
        try:
            for n in range(count):
                entry, relations = single.entry(SINGLE_ID_BASE + n)
                started = time.perf_counter()
                with transaction.atomic():
                    entry.save()
                    for name, ids in relations.items():
                        getattr(entry, name).set(ids)
                times.append(time.perf_counter() - started)
        finally:
            SearchEntry.objects.filter(pk__gte=SINGLE_ID_BASE).delete()
        total = sum(times)
        return {"entries": count, "seconds": total, "per_s": count / total if total else None,
                **{f"{k}_ms": v for k, v in summary_ms(times).items() if k != "n"}}

    def analyze(self) -> float:
        from django.db import connection

        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA optimize")
        return time.perf_counter() - started

    # -- measurements --------------------------------------------------------------------------
    def measure_size(self, size: int) -> dict:
        from search.models import SearchEntry

        log(f"{self.args.worker}: building {size:,} entries")
        bulk = self.bulk_write(self.built + 1, size - self.built)
        self.built = size
        analyze_s = self.analyze()
        count = SearchEntry.objects.count()
        if count != size:
            raise RuntimeError(f"expected {size} entries, found {count}")
        log(f"{self.args.worker}: {size:,} entries, bulk {bulk['per_s']:.0f}/s; measuring search")
        search = self.measure_search()
        log(f"{self.args.worker}: autocomplete")
        autocomplete = self.measure_autocomplete()
        log(f"{self.args.worker}: {self.args.single_writes} single writes")
        single = self.single_writes(self.args.single_writes)
        return {"size": size, "bulk": bulk, "analyze_s": analyze_s, "single": single,
                "visible": self.visible_count(), **search, "autocomplete": autocomplete}

    def visible_count(self) -> int:
        from search.access import entry_policy

        return entry_policy.visible(self.principal).count()

    def search_once(self, params: str):
        from django.http import QueryDict

        from search import service
        from search.query import SearchRequest

        return service.search(self.principal, SearchRequest.from_params(QueryDict(params)))

    def measure_search(self) -> dict:
        encoded = [(kind, urlencode(params)) for kind, params in QUERIES]
        hits = []
        for _ in range(2):  # warm-up: caches, prepared plans, the first-query costs
            hits = []
            for _kind, params in encoded:
                results = self.search_once(params)
                hits.append({"total": results.total, "suggestion": results.suggestion,
                             "approximate": results.approximate, "shown": len(results.hits),
                             "matched_all": results.matched_all})
        by_kind: dict[str, list[float]] = {kind: [] for kind in QUERY_KINDS}
        by_query: list[list[float]] = [[] for _ in encoded]
        everything, relaxed = [], []
        for n in range(self.args.queries):
            index = n % len(encoded)
            kind, params = encoded[index]
            started = time.perf_counter()
            results = self.search_once(params)
            elapsed = time.perf_counter() - started
            everything.append(elapsed)
            by_kind[kind].append(elapsed)
            by_query[index].append(elapsed)
            if results.relaxed:
                relaxed.append(elapsed)
        return {
            "search": summary_ms(everything),
            "relaxed": {"share": len(relaxed) / len(everything), **summary_ms(relaxed)},
            "by_kind": {kind: summary_ms(times) for kind, times in by_kind.items()},
            "by_query": [summary_ms(times) for times in by_query],
            "hits": hits,
        }

    def measure_autocomplete(self) -> dict:
        from search import service

        counts = {p: len(service.autocomplete(self.principal, p)) for p in PREFIXES}
        times = []
        for n in range(self.args.queries):
            started = time.perf_counter()
            service.autocomplete(self.principal, PREFIXES[n % len(PREFIXES)])
            times.append(time.perf_counter() - started)
        return {**summary_ms(times), "suggestions": counts}

    def explain(self, measured: dict) -> dict:
        """The SQL of one search of the slowest kind, timed, and the slowest statement's plan."""
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext

        kind = max(measured["by_kind"], key=lambda k: measured["by_kind"][k]["p95"] or 0)
        index = max((i for i, (k, _) in enumerate(QUERIES) if k == kind),
                    key=lambda i: measured["by_query"][i]["p95"] or 0)
        params = urlencode(QUERIES[index][1])
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            self.search_once(params)
            total = time.perf_counter() - started
        # Django times execute() only; SQLite computes most rows while they are fetched, so
        # every statement is run again here, in order and in one transaction (so the planner
        # settings the search sets apply as they did), and timed with its fetch.
        statements, settings_in_force = [], []
        with transaction.atomic(), connection.cursor() as cursor:
            for query in captured.captured_queries:
                sql = query["sql"]
                verb = sql.split(None, 1)[0].upper()
                if verb in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK"):
                    continue
                started = time.perf_counter()
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()
                if verb == "SET":
                    settings_in_force.append(sql)
                    continue
                statements.append({"ms": (time.perf_counter() - started) * 1000, "sql": sql,
                                   "settings": list(settings_in_force)})
        slowest = max(statements, key=lambda s: s["ms"])
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in slowest["settings"]:
                cursor.execute(sql)
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                plan = [row[0] for row in cursor.fetchall()]
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + slowest["sql"])
                depth = {0: -1}
                plan = []
                for node, parent, _unused, detail in cursor.fetchall():
                    depth[node] = depth.get(parent, -1) + 1
                    plan.append("  " * depth[node] + detail)
        return {"kind": kind, "query": params, "total_ms": total * 1000,
                "statements": statements, "slowest": slowest, "plan": plan}


# --- the parent: environments, subprocesses, report ------------------------------------------


def worker_env(tmp: Path, database_url: str | None, exact_counts: bool) -> dict:
    counts = {"SEARCH_EXACT_COUNT_LIMIT": "0"} if exact_counts else {}
    return portal_env(tmp, database_url, LOG_LEVEL="WARNING", **counts)


def pg_database_url(server_url: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + PG_DATABASE, "", ""))


def pg_recreate(server_url: str, create: bool = True) -> None:
    """Drop the bench database on ``server_url`` and (unless create=False) create it afresh."""
    recreate_database(pg_database_url(server_url), create)


def run_worker(args: argparse.Namespace, database: str, tmp: Path) -> dict:
    workdir = tmp / database
    workdir.mkdir()
    url = pg_database_url(args.postgres_url) if database == "postgres" else None
    env = worker_env(workdir, url, args.exact_counts)
    result_file = workdir / "result.json"
    cmd = [sys.executable, "-m", "bench.search", "--worker", database,
           "--result", str(result_file), "--queries", str(args.queries),
           "--single-writes", str(args.single_writes),
           "--sizes", *[str(s) for s in args.sizes]]
    if args.explain:
        cmd.append("--explain")
    loadavg = load_average()
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, check=False)
    if proc.returncode != 0 or not result_file.exists():
        raise RuntimeError(f"the {database} run failed (exit {proc.returncode})")
    result = json.loads(result_file.read_text())
    result["loadavg"] = loadavg
    result["wall_s"] = time.perf_counter() - started
    result["where"] = (f"{redact(url)}" if url
                       else f"fresh file in {workdir / 'var'}" if args.keep
                       else "fresh file in a temporary PORTAL_VAR_DIR")
    return result


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("django", "wagtail"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "n/a"
    return found


def ms(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "n/a"


def report(results: dict[str, dict], errors: dict[str, str], args: argparse.Namespace,
           loadavg: str) -> str:
    found = versions()
    lines = [
        "Portal search: latency and indexing (search.service, database backend)",
        f"  CPUs            : {cpu_description()}; load average at start {loadavg}"
        " (1/5/15 min)",
        f"  platform        : {platform.system()} {platform.release()} {platform.machine()}",
        f"  Python / Django : Python {platform.python_version()} / Django {found['django']}"
        f" / Wagtail {found['wagtail']}",
    ]
    for database, result in results.items():
        lines.append(f"  {DB_TITLES[database]:<16}: {result['database']}, {result['where']}")
        lines.append(f"  {'':<16}  {result['settings']}")
        lines.append(f"  {'':<16}  load average before its run {result['loadavg']},"
                     f" run took {result['wall_s']:.0f} s")
    lines += [
        f"  searches        : {args.queries} per database and size as a verified member of one"
        f" organisation, cycling {len(QUERIES)} queries of {len(QUERY_KINDS)} kinds after 2"
        " warm-up passes; first page, relevance, facets, access filter",
        "  counts          : " + ("always exact (--exact-counts)" if args.exact_counts
                                  else "exact up to 10,000 matches, sampled beyond (default)"),
        f"  autocomplete    : {args.queries} calls per database and size, prefixes "
        + ", ".join(PREFIXES),
        f"  single writes   : {args.single_writes} entries, each SearchEntry.save() + 4 m2m .set()"
        " in one transaction (as search.indexing.write_entry)",
        "",
    ]
    header = (f"{'database':<10} {'entries':>9} {'visible':>8} {'bulk/s':>8} {'single/s':>8}"
              f" {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
              f"  {'autocomplete p50/p95':>20}")
    lines += [header, "-" * len(header)]
    for database, result in results.items():
        for size in result["sizes"]:
            s, a = size["search"], size["autocomplete"]
            lines.append(
                f"{DB_TITLES[database]:<10} {size['size']:>9,} {size['visible']:>8,}"
                f" {size['bulk']['per_s']:>8,.0f} {size['single']['per_s']:>8,.0f}"
                f" {ms(s['p50']):>7} {ms(s['p95']):>7} {ms(s['p99']):>7} {ms(s['max']):>7}"
                f"  {ms(a['p50']) + ' / ' + ms(a['p95']):>20}")
    lines += ["", "bulk/s: entries per second bulk-written for that step (text generation"
              " excluded; FTS triggers / tsvector and indexes included); visible: entries the"
              " member may see", ""]

    short = {"common word": "common", "mid word": "mid", "rare word": "rare",
             "two words": "2 words", "phrase": "phrase", "word+type": "+type",
             "word+topic": "+topic", "filter only": "filters", "typo, 0 hits": "typo",
             "relaxed": "relaxed"}
    header = f"{'p95 ms by kind':<21}" + "".join(f" {short[k]:>8}" for k in QUERY_KINDS)
    lines += [header, "-" * len(header)]
    for database, result in results.items():
        for size in result["sizes"]:
            row = f"{DB_TITLES[database]:<10} {size['size']:>10,}"
            row += "".join(f" {ms(size['by_kind'][k]['p95']):>8}" for k in QUERY_KINDS)
            lines.append(row)

    lines += ["", "relaxed (most-words) answers, when all-words matching found fewer than 3:"]
    for database, result in results.items():
        for size in result["sizes"]:
            relaxed = size["relaxed"]
            lines.append(f"  {DB_TITLES[database]:<10} {size['size']:>10,}: {relaxed['share']:.0%}"
                         f" of searches, p50 / p95 {ms(relaxed['p50'])} / {ms(relaxed['p95'])} ms"
                         " (the all-words search included)")

    lines += ["", "queries (total results for the member, per database and size; \"about\": "
              "counted on a sample, see SEARCH_EXACT_COUNT_LIMIT; \"relaxed\": most words,"
              " with how many match all):"]
    for index, (kind, params) in enumerate(QUERIES):
        totals = []
        for result in results.values():
            for size in result["sizes"]:
                hit = size["hits"][index]
                text = ("about " if hit.get("approximate") else "") + f"{hit['total']:,}"
                if hit.get("matched_all") is not None:
                    text += f" (relaxed, {hit['matched_all']} all)"
                if hit["suggestion"]:
                    text += f" (suggests {hit['suggestion']!r})"
                totals.append(text)
        shown = "&".join(f"{k}={v}" for k, v in params.items())
        lines.append(f"  {kind:<13} {shown:<34} " + " | ".join(totals))

    lines += ["", f"targets (search p95 at {TARGETS_AT:,} entries):"]
    for database in ("postgres", "sqlite"):
        if database not in DATABASES_FOR[args.database]:
            continue
        target = TARGETS_MS[database]
        result = results.get(database)
        size = next((s for s in result["sizes"] if s["size"] == TARGETS_AT), None) \
            if result else None
        if size is None:
            verdict = "not measured" + (" (the run failed)" if database in errors else "")
            lines.append(f"  {DB_TITLES[database]:<10} p95 < {target:.0f} ms: {verdict}")
            continue
        p95 = size["search"]["p95"]
        verdict = "PASS" if p95 < target else "FAIL"
        lines.append(f"  {DB_TITLES[database]:<10} p95 < {target:.0f} ms: {p95:.1f} ms  {verdict}")

    for database, result in results.items():
        explained = result.get("explain")
        if not explained:
            continue
        lines += ["", f"{DB_TITLES[database]}: slowest kind at {result['sizes'][-1]['size']:,}"
                  f" entries is {explained['kind']!r} ({unquote_plus(explained['query'])});"
                  " one search took"
                  f" {explained['total_ms']:.1f} ms in {len(explained['statements'])} statements"
                  " (each run again, timed with its fetch):"]
        for statement in sorted(explained["statements"], key=lambda s: -s["ms"]):
            sql = " ".join(statement["sql"].split())
            lines.append(f"  {statement['ms']:8.1f} ms  {sql[:150]}")
        in_force = ", ".join(explained["slowest"].get("settings", []))
        lines += [f"  plan of the slowest statement{f' (after {in_force})' if in_force else ''}:"]
        lines += [f"    {line}" for line in explained["plan"]]
    for database, message in errors.items():
        lines += ["", f"{DB_TITLES[database]}: {message}"]
    return "\n".join(lines)


DATABASES_FOR = {"sqlite": ["sqlite"], "postgres": ["postgres"], "both": ["sqlite", "postgres"]}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Search latency and indexing throughput of the database search backend.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="index sizes, built up in place")
    parser.add_argument("--database", choices=list(DATABASES_FOR), default="both")
    parser.add_argument("--queries", type=int, default=200,
                        help="measured searches (and autocompletes) per database and size")
    parser.add_argument("--postgres-url", default=DEFAULT_PG_SERVER,
                        help=f"PostgreSQL server (loopback) for the {PG_DATABASE} database")
    parser.add_argument("--explain", action="store_true",
                        help="show the statements and plan of the slowest query kind")
    parser.add_argument("--exact-counts", action="store_true",
                        help="count every match exactly (SEARCH_EXACT_COUNT_LIMIT=0)")
    parser.add_argument("--single-writes", type=int, default=SINGLE_WRITES,
                        help="entries written one at a time per database and size")
    parser.add_argument("--tiny", action="store_true",
                        help="a smoke run: 200 entries, 24 searches, 20 single writes")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary directory and the PostgreSQL database")
    parser.add_argument("--worker", choices=list(DB_TITLES), help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.tiny:
        args.sizes, args.queries, args.single_writes = [200], 24, 20
    if not 1 <= args.single_writes <= 100_000:
        parser.error("--single-writes must be between 1 and 100000")
    if any(not 1 <= s <= MAX_SIZE for s in args.sizes):
        parser.error(f"--sizes must be between 1 and {MAX_SIZE:,}")
    args.sizes = sorted(set(args.sizes))
    if not 1 <= args.queries <= 100_000:
        parser.error("--queries must be between 1 and 100000")
    parts = urlsplit(args.postgres_url)
    if parts.scheme not in {"postgres", "postgresql"}:
        parser.error("--postgres-url must be a postgres:// URL")
    if (parts.hostname or "") not in LOOPBACK_NAMES:
        parser.error(f"--postgres-url must point to a loopback host, not {parts.hostname!r}")
    if args.worker and not args.result:
        parser.error("--worker needs --result")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker_main(args)
    # A SIGTERM unwinds like Ctrl+C, so the temporary directory and database are removed.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    loadavg = load_average()
    tmp = Path(tempfile.mkdtemp(prefix="portal-bench-search-"))
    results: dict[str, dict] = {}
    errors: dict[str, str] = {}
    used_postgres = False
    status = 0
    try:
        for database in DATABASES_FOR[args.database]:
            try:
                if database == "postgres":
                    log(f"postgres: recreating database {PG_DATABASE}")
                    pg_recreate(args.postgres_url)
                    used_postgres = True
                results[database] = run_worker(args, database, tmp)
            except (SetupError, RuntimeError) as exc:
                errors[database] = str(exc)
                log(str(exc))
                status = max(status, 2 if isinstance(exc, SetupError) else 1)
        print(report(results, errors, args, loadavg), flush=True)
        if args.json:
            args.json.write_text(json.dumps({"results": results, "errors": errors}, indent=2))
    finally:
        if used_postgres and not args.keep:
            try:
                pg_recreate(args.postgres_url, create=False)
            except SetupError as exc:
                log(f"could not drop {PG_DATABASE}: {exc}")
        if args.keep:
            log(f"kept {tmp}" + (f" and database {PG_DATABASE}" if used_postgres else ""))
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
