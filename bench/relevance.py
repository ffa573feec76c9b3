"""Search relevance on the demo library: how soon the right item comes for judged queries.

Run from the project root::

    .venv/bin/python -m bench.relevance                      # SQLite and PostgreSQL
    .venv/bin/python -m bench.relevance --database sqlite --show all

``bench/judged_queries.json`` holds searches a small firm, a trade body and a researcher would
type, each with the demo items (slugs of cms/demo/content/)  that should come first. For each
database (in a subprocess with a throwaway environment, as bench.search does: a temporary
SQLite file, or the PostgreSQL database ``portal_bench_relevance`` on
postgres://postgres@127.0.0.1:5432, dropped at the end) it migrates, loads the demo
(``load_demo_data``), indexes it (``search.indexing.rebuild``) and runs every judged query
through ``search.service.search`` as the judged principal, first page, relevance order.

It prints, per backend: mean reciprocal rank at 10 (1 / the rank of the first relevant item,
0 if none is in the top 10, averaged), the share of queries with a relevant item in the top 3,
the queries that found nothing, and how many answered with the relaxed (most-words) match; then
each query's rank per backend (``--show misses``, the default, lists those not ranked first).
Targets: MRR@10 at least 0.8 and no judged query without results.

Elasticsearch needs a cluster, which this script does not start: its request builder is held to
the same relevance contract in tests/test_search_elasticsearch.py, and the live tests there run
the judged queries' contract cases when ELASTICSEARCH_URL is set.

Exit status: 0 when every database ran (targets are for reading), 1 when a run failed, 2 when
the set-up failed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.common import LOOPBACK_NAMES, ROOT, SetupError, log, pg_recreate, portal_env

JUDGED = Path(__file__).with_name("judged_queries.json")
PG_DATABASE = "portal_bench_relevance"
DEFAULT_PG_SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASES_FOR = {"sqlite": ["sqlite"], "postgres": ["postgres"], "both": ["sqlite", "postgres"]}
TITLES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
CUTOFF = 10
TARGET_MRR = 0.8


def load_judged() -> dict:
    return json.loads(JUDGED.read_text())


def evaluate(principal, judged: dict) -> dict:
    """Run every judged query as ``principal`` (Django set up, the demo indexed): each query's
    rank of its first relevant item (None beyond CUTOFF), total and whether the relaxed match
    answered, and the summary figures."""
    from django.http import QueryDict

    from cms.models import ItemPage
    from search import service
    from search.query import SearchRequest

    slugs = {slug for query in judged["queries"] for slug in query["relevant"]}
    ids = dict(ItemPage.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    missing = sorted(slugs - set(ids))
    if missing:
        raise RuntimeError(f"judged items not in the demo: {', '.join(missing)}")
    rows = []
    for query in judged["queries"]:
        request = SearchRequest.from_params(QueryDict(mutable=True) | {"q": [query["q"]]})
        results = service.search(principal, request)
        relevant = {ids[slug] for slug in query["relevant"]}
        found = [hit.id for hit in results.hits[:CUTOFF]]
        rank = next((n for n, pk in enumerate(found, start=1) if pk in relevant), None)
        rows.append({**query, "rank": rank, "total": results.total,
                     "relaxed": results.relaxed, "first": results.hits[0].title
                     if results.hits else None})
    count = len(rows)
    return {
        "queries": rows,
        "mrr": sum(1 / r["rank"] for r in rows if r["rank"]) / count,
        "top3": sum(1 for r in rows if r["rank"] and r["rank"] <= 3) / count,
        "zero": [r["q"] for r in rows if r["total"] == 0],
        "relaxed": sum(1 for r in rows if r["relaxed"]),
    }


# --- the worker: one database, Django set up in this process ---------------------------------


def worker_main(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from portal.core.access import principal_for_user
    from search import indexing

    log(f"{args.worker}: migrate, load the demo, index it")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo_data", force=True, stdout=StringIO())  # a throwaway database
    indexing.rebuild()
    judged = load_judged()
    principal = principal_for_user(get_user_model().objects.get(email=judged["principal"]))
    result = evaluate(principal, judged)
    result["vendor"] = connection.vendor
    Path(args.result).write_text(json.dumps(result, indent=2))
    return 0


# --- the parent --------------------------------------------------------------------------------


def pg_database_url(server_url: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + PG_DATABASE, "", ""))


def run_worker(args, database: str, tmp: Path) -> dict:
    workdir = tmp / database
    workdir.mkdir()
    url = pg_database_url(args.postgres_url) if database == "postgres" else None
    env = portal_env(workdir, url, LOG_LEVEL="WARNING", CELERY_TASK_ALWAYS_EAGER="1")
    result_file = workdir / "result.json"
    cmd = [sys.executable, "-m", "bench.relevance", "--worker", database,
           "--result", str(result_file)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, check=False)
    if proc.returncode != 0 or not result_file.exists():
        raise RuntimeError(f"the {database} run failed (exit {proc.returncode})")
    return json.loads(result_file.read_text())


def report(results: dict[str, dict], errors: dict[str, str], show: str) -> str:
    judged = load_judged()
    lines = [f"Search relevance: {len(judged['queries'])} judged queries on the demo library, "
             f"as {judged['principal']}, first page, relevance order", ""]
    header = (f"{'backend':<12} {'MRR@10':>7} {'top 3':>7} {'no results':>11}"
              f" {'relaxed':>8}  target MRR@10 >= {TARGET_MRR}, none without results")
    lines += [header, "-" * len(header)]
    for database, result in results.items():
        verdict = "PASS" if result["mrr"] >= TARGET_MRR and not result["zero"] else "FAIL"
        lines.append(f"{TITLES[database]:<12} {result['mrr']:>7.3f} {result['top3']:>7.0%}"
                     f" {len(result['zero']):>11} {result['relaxed']:>8}  {verdict}")
    lines.append(f"{'Elasticsearch':<12} {'n/a':>7} {'n/a':>7} {'n/a':>11} {'n/a':>8}  "
                 "needs a cluster; the request builder passes the relevance contract tests")
    for database, result in results.items():
        if result["zero"]:
            lines.append(f"{TITLES[database]}: no results for " + "; ".join(result["zero"]))
    if results and show != "none":
        names = list(results)
        lines += ["", "rank of the first relevant item (- : not in the top 10; * : relaxed match)"
                  + (", queries not ranked first by every backend:" if show == "misses" else ":")]
        for index, query in enumerate(judged["queries"]):
            rows = [results[name]["queries"][index] for name in names]
            if show == "misses" and all(row["rank"] == 1 for row in rows):
                continue
            ranks = "  ".join(f"{TITLES[name]} {row['rank'] or '-'}{'*' if row['relaxed'] else ''}"
                              .ljust(14) for name, row in zip(names, rows, strict=True))
            first = rows[0]["first"] or "nothing"
            lines.append(f"  {query['who']:<10} {query['q'][:52]:<52} {ranks}  first: {first[:60]}")
    for database, message in errors.items():
        lines += ["", f"{TITLES[database]}: {message}"]
    return "\n".join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Relevance of the database search backends on judged demo queries.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--database", choices=list(DATABASES_FOR), default="both")
    parser.add_argument("--postgres-url", default=DEFAULT_PG_SERVER,
                        help=f"PostgreSQL server (loopback) for the {PG_DATABASE} database")
    parser.add_argument("--show", choices=["misses", "all", "none"], default="misses",
                        help="which queries to list with their ranks")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--worker", choices=list(TITLES), help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    parts = urlsplit(args.postgres_url)
    if parts.scheme not in {"postgres", "postgresql"}:
        parser.error("--postgres-url must be a postgres:// URL")
    if (parts.hostname or "") not in LOOPBACK_NAMES:
        parser.error(f"--postgres-url must point to a loopback host, not {parts.hostname!r}")
    if args.worker and not args.result:
        parser.error("--worker needs --result")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker_main(args)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    tmp = Path(tempfile.mkdtemp(prefix="portal-bench-relevance-"))
    results, errors, status, used_postgres = {}, {}, 0, False
    try:
        for database in DATABASES_FOR[args.database]:
            try:
                if database == "postgres":
                    pg_recreate(pg_database_url(args.postgres_url))
                    used_postgres = True
                results[database] = run_worker(args, database, tmp)
            except (SetupError, RuntimeError) as exc:
                errors[database] = str(exc)
                log(str(exc))
                status = max(status, 2 if isinstance(exc, SetupError) else 1)
        print(report(results, errors, args.show), flush=True)
        if args.json:
            args.json.write_text(json.dumps({"results": results, "errors": errors}, indent=2))
    finally:
        if used_postgres:
            try:
                pg_recreate(pg_database_url(args.postgres_url), create=False)
            except SetupError as exc:
                log(f"could not drop {PG_DATABASE}: {exc}")
        shutil.rmtree(tmp, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
