"""The TLP:RED recipient search of the item editor (``cms_recipient_search``, the admin's
``/admin/recipients/people/?q=``) among 10,000 people of 200 organisations, answered end to end
(middleware, view, JSON) on PostgreSQL. Prints the figures; the target is a p95 under 100 ms
for each kind of query.

Run from the project root::

    .venv/bin/python -m bench.recipients
    .venv/bin/python -m bench.recipients --database-url postgres://postgres@127.0.0.1:5432/portal_bench_recipients
    .venv/bin/python -m bench.recipients --tiny      # a smoke run: 200 people, 10 organisations

What it does, every run:

1. drops and recreates the PostgreSQL database of ``--database-url`` (loopback only; default
   ``postgres://postgres@127.0.0.1:5432/portal_bench_recipients``) and migrates it, with
   production-like settings (DEBUG=0, a random SECRET_KEY), a temporary PORTAL_VAR_DIR, and the
   autocomplete rate limit lifted (one client asking again and again is the point here);
2. builds the site, ``--organisations`` approved organisations (default 200, bulk-created) and
   ``--people`` people (default 10,000) with names and email addresses, each a member of one
   of them;
3. signs in as a publisher with a TOTP authenticator (editors need two-factor), asks each query
   of the mix ``--warmup`` times (default 3), then ``--requests`` times (default 30), checking
   every answer is a 200 JSON list of at most 20 people that holds the expected person for the
   exact queries, and prints p50, p95 and max latency, the process's CPU time per request,
   queries per request, the machine and its load, and whether a trigram index serves the
   lookup (EXPLAIN of an email fragment).

The query mix: a surname prefix, an email fragment, a word of an organisation's name, a first
and last name, a word matching no one, and a query of 2 characters (the shortest searched).

Options: --people N, --organisations N, --requests N, --warmup N, --database-url URL,
--json PATH (also write the results as JSON), --keep (keep the temporary directory), --tiny (a
smoke run: 200 people, 10 organisations, 3 requests after 1 warm-up).
Exit status: 0 if every query kind meets the target (or with --tiny, a smoke run whose figures
judge nothing), 1 if not, 2 if the set-up failed.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.common import (
    LOOPBACK_NAMES,
    SEED,
    SetupError,
    cpu_description,
    load_average,
    log,
    pg_recreate,
    redact,
    setup_in_process,
    time_requests,
)

TARGET_MS = 100
MAX_RESULTS = 20  # cms.recipients.MAX_RESULTS
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/portal_bench_recipients"
FIRST_NAMES = ["Alice", "Bilal", "Carmen", "Dmitri", "Efua", "Farah", "Gareth", "Hana", "Ivan",
               "Joy", "Kofi", "Lena", "Mateo", "Nia", "Owen", "Priya", "Quinn", "Rosa", "Sami",
               "Tomasz"]
SURNAMES = ["Ashdown", "Brennan", "Castell", "Dunmore", "Ellery", "Fairweather", "Garside",
            "Holloway", "Ingram", "Jessop", "Kerridge", "Lockwood", "Marchant", "Northcote",
            "Ormerod", "Pennington", "Quarrie", "Rowntree", "Sutcliffe", "Thwaite"]
ORG_WORDS = ["Harbour", "Summit", "Meridian", "Granite", "Beacon", "Lattice", "Cobalt",
             "Juniper", "Vantage", "Sterling"]
ORG_KINDS = ["Security", "Networks", "Energy", "Health", "Logistics"]
KESTREL = "Kestrel Assurance Partners"  # the one organisation with this word in its name


def build(people: int, organisations: int):
    """The organisations, their members and a publisher. Returns (publisher, the person the
    exact queries must find)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from cms.bootstrap import ensure_site
    from cms.factories import make_organisation
    from portal.core.organisations.models import Membership, Organisation, OrganisationStatus

    User = get_user_model()
    call_command("migrate", verbosity=0)
    ensure_site()
    # The publisher's organisation is provisioned in full (page, groups, workflow), so its
    # publisher may enter the editor; the others need only rows to be searched.
    home = make_organisation("Bench publishers", slug="bench-publishers")
    log(f"creating {organisations} organisations and {people} people")
    orgs = Organisation.objects.bulk_create([Organisation(
        name=KESTREL if i == 1 else f"{ORG_WORDS[i % len(ORG_WORDS)]} "
        f"{ORG_KINDS[i // len(ORG_WORDS) % len(ORG_KINDS)]} {i}",
        slug=f"bench-org-{i}", organisation_type="industry", size_band="small",
        status=OrganisationStatus.APPROVED) for i in range(organisations)])
    rng = random.Random(SEED)
    users = User.objects.bulk_create([User(
        email=f"{(first := rng.choice(FIRST_NAMES)).lower()}."
              f"{(last := f'{SURNAMES[n % len(SURNAMES)]}{n:05}').lower()}"
              f"@{orgs[n % organisations].slug}.example",
        first_name=first, last_name=last) for n in range(people)], batch_size=2000)
    Membership.objects.bulk_create([
        Membership(user=user, organisation=orgs[n % organisations],
                   role=rng.choice(["member", "member", "member", "contributor"]))
        for n, user in enumerate(users)], batch_size=2000)
    publisher = User.objects.create_user(email="bench-publisher@example.org",
                                         first_name="Bench", last_name="Publisher")
    EmailAddress.objects.create(user=publisher, email=publisher.email, primary=True,
                                verified=True)
    Membership.objects.create(user=publisher, organisation=home, role="publisher")
    TOTP.activate(publisher, secrets.token_hex(10))  # its second factor: editors need one
    _analyze()
    target = User.objects.get(pk=users[people * 2 // 3 + 1].pk)
    return publisher, target


def _analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def query_mix(target) -> list[tuple[str, str, int | None]]:
    """(kind, query, the id of the person it must find or None)."""
    local = target.email.split("@")[0]
    return [
        ("surname prefix", target.last_name[:-1], target.pk),
        ("email fragment", f"{local[-9:]}@bench-org", target.pk),
        ("organisation word", KESTREL.split()[0], None),
        ("two words", f"{target.first_name} {target.last_name}", target.pk),
        ("matches no one", "zqxwv", None),
        ("2 characters", "ow", None),
    ]


def check(response, kind: str, expect: int | None) -> int:
    if response.status_code != 200 or not response["Content-Type"].startswith(
            "application/json"):
        raise SetupError(f"{kind}: answered {response.status_code} "
                         f"{response['Content-Type']}")
    found = response.json()["results"]
    if len(found) > MAX_RESULTS:
        raise SetupError(f"{kind}: {len(found)} people, more than {MAX_RESULTS}")
    if expect is not None and expect not in [hit["id"] for hit in found]:
        raise SetupError(f"{kind}: the expected person is not among {len(found)} found")
    return len(found)


def measure(client, path: str, kind: str, query: str, expect: int | None, warmup: int,
            requests: int) -> dict:
    for _ in range(warmup):
        check(client.get(path, {"q": query}), kind, expect)
    figures, found = time_requests(lambda: client.get(path, {"q": query}), requests,
                                   lambda response: check(response, kind, expect))
    return {"kind": kind, "query": query, "found": found, **figures}


def trigram_plan(fragment: str) -> str:
    """The index serving a case-insensitive email fragment lookup, as the search asks it (with
    sequential scans off: does an index serve it at all?), or "none"."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM accounts_user "
                       "WHERE UPPER(email::text) LIKE UPPER(%s)", [f"%{fragment}%"])
        plan = " ".join(row[0] for row in cursor.fetchall())
    return "people_email_trgm" if "people_email_trgm" in plan else "none"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--organisations", type=int, default=200)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--json")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--tiny", action="store_true",
                        help="a smoke run: 200 people, 10 organisations, 3 requests")
    args = parser.parse_args(argv)
    if args.tiny:
        args.people, args.organisations, args.requests, args.warmup = 200, 10, 3, 1
    if args.organisations < 2 or args.people < args.organisations:
        parser.error("--organisations must be at least 2 and --people at least as many")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    parts = urlsplit(args.database_url)
    if not parts.scheme.startswith("postgres") or parts.hostname not in LOOPBACK_NAMES:
        print("--database-url must be a PostgreSQL database on this machine", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="bench-recipients-"))
    loadavg = load_average()
    try:
        pg_recreate(args.database_url)
        # One client asking hundreds of times a minute: the benchmark measures the search, not
        # the limiter (as bench.pages does for its load generator). JSON answers only: no
        # static files to collect.
        setup_in_process(tmp, args.database_url, AUTOCOMPLETE_RATE_LIMIT="1000000/s")
        (tmp / "static").mkdir(exist_ok=True)
        started = time.perf_counter()
        publisher, target = build(args.people, args.organisations)
        log(f"built in {time.perf_counter() - started:.0f} s")
        from django.test import Client
        from django.urls import reverse

        client = Client()
        client.force_login(publisher)
        path = reverse("cms_recipient_search")
        results = [measure(client, path, kind, query, expect, args.warmup, args.requests)
                   for kind, query, expect in query_mix(target)]
        index = trigram_plan(target.email.split("@")[0][-9:])
    except SetupError as error:
        print(f"set-up failed: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    import django

    print(f"Recipient search: {args.people} people in {args.organisations} organisations, "
          f"{args.requests} requests each after {args.warmup} warm-up")
    print(f"PostgreSQL {redact(args.database_url)}; Python {platform.python_version()}, "
          f"Django {django.get_version()}; CPUs {cpu_description()}; load {loadavg}")
    # Wall-clock times include waiting for a CPU on a busy machine; the portal process's own
    # CPU time per request (the database server's excluded) shows the cost on an idle core.
    print(f"{'query':<20} {'found':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
          f"{'cpu p50':>8} {'cpu p95':>8} {'queries':>8}")
    ok = True
    for row in results:
        met = row["p95_ms"] < TARGET_MS
        ok &= met
        print(f"{row['kind']:<20} {row['found']:>5} {row['p50_ms']:>8} {row['p95_ms']:>8} "
              f"{row['max_ms']:>8} {row['cpu_p50_ms']:>8} {row['cpu_p95_ms']:>8} "
              f"{row['queries']:>8}  {'ok' if met else f'over {TARGET_MS} ms'}")
    print(f"trigram index for an email fragment: {index}")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "trigram_index": index,
                                               "target_ms": TARGET_MS}))
    # A tiny run checks that the benchmark works; its figures judge nothing, so a slow moment
    # on a busy machine must not fail it (the smoke test in CI runs it).
    return 0 if ok or args.tiny else 1


if __name__ == "__main__":
    sys.exit(main())
