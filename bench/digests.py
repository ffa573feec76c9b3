"""Digest throughput: one daily digest run, against plain Django mail to the same SMTP server.

Run from the project root::

    .venv/bin/python -m bench.digests                      # 10,000 subscribers, PostgreSQL
    .venv/bin/python -m bench.digests --subscribers 2000 --database sqlite
    .venv/bin/python -m bench.digests --subscribers 10000 --items 200 --profile
    .venv/bin/python -m bench.digests --database sqlite --tiny   # a smoke run, seconds
    .venv/bin/python -m bench.digests --drops 0 5 20            # other fault runs

What it does, in one process and a throwaway environment:

1. a temporary PORTAL_VAR_DIR (deleted at the end unless ``--keep``) and either a fresh SQLite
   file in it (``--database sqlite``) or the PostgreSQL database of ``--postgres-url`` (default
   postgres://postgres@127.0.0.1:5432/portal_bench_digests; loopback only), dropped if it
   exists, created, and dropped again at the end unless ``--keep``. Settings: DEBUG=0, a random
   SECRET_KEY, SEARCH_BACKEND=database, no REDIS_URL (local-memory cache),
   CELERY_TASK_ALWAYS_EAGER=1 (publishing indexes items in-process), the SMTP e-mail backend
   pointed at the server of step 2, PORTAL_BASE_URL=https://portal.example.org; any of the
   portal's settings variables in your shell are ignored;
2. a real SMTP server: aiosmtpd's ``Controller`` on 127.0.0.1 and a free port, in a child
   process (so it has its own interpreter and GIL, as a real mail relay would), with a handler
   that only counts messages and bytes, and that can drop the connection instead of accepting
   a message, with a given probability (seeded);
3. preparation (timed separately, not part of the measurements): ``migrate``; ``manage.py
   make_synthetic_library --organisations 7 --people 1`` for the site tree, topics and 7
   approved organisations; N subscribers, bulk-created: users with an unusable password, a
   verified primary allauth ``EmailAddress`` each, a ``member`` ``Membership`` each spread
   round-robin over the approved organisations (bulk_create skips the post_save signal that
   syncs Wagtail groups, which digests do not use) and one daily ``Subscription`` each, whose
   criteria are 50% ``topic=<slug>`` (4 topics), 20% ``topic=<slug>&q=<word>``, 15% ``q=<word>``
   and 15% type filters (``type=<slug>``, some with a topic); then M items as real Wagtail pages
   under their organisations' pages, made by ``cms.factories.make_item`` (added,
   topics/recipients set, a revision published), guidance 50% / case studies 30% / shared
   standards 20%, TLP 45% CLEAR, 37% GREEN, 12% AMBER (1-2 recipient organisations), 3%
   AMBER+STRICT, 3% RED (1-3 recipient subscribers), 1-2 of the 7 topics each; finally one
   queryset ``update()`` puts every item's ``first_published_at`` in yesterday's window;
4. probe: the number of database queries of one ``build_chunk`` call for the first chunk
   (``CaptureQueriesContext``), which also warms the template and content-type caches;
5. measurement A, the digest run as a worker does it, without a broker:
   ``runs.get_or_start_run("daily", now)``, ``runs.fan_out(run)`` and
   ``sending.deliver_chunk(run.pk, chunk)`` for every chunk, sequentially, as one worker
   would (deliveries a chunk released are sent again when due, as the worker's follow-up
   tasks with an ETA would be; see ``send_run``). Timing wrappers are put around the public
   functions ``sending.build_chunk``, ``sending.render_message``, ``sending.claim_deliveries``,
   ``sending.record_outcome``, ``sending.unsubscribe_keys`` and ``EmailMessage.send`` (no code
   of the portal is changed), and a ``connection.execute_wrapper`` counts queries. The rendered
   messages (subject, bodies, recipient, headers) are captured outside the timed wrappers;
6. measurement B, the baseline: the same messages (same recipients, subjects, text and HTML
   bodies and List-Unsubscribe headers) sent with plain Django mail: per batch of CHUNK_SIZE
   messages, ``EmailMultiAlternatives`` objects are built from the captured strings and sent
   with ``get_connection()`` / ``connection.send_messages(batch)``;
7. with ``--profile``, or automatically when A/B is above the target: the first chunk's
   deliveries are put back to pending and sent again under cProfile; the top entries by
   cumulative time, by own time, and the portal's own functions (portal/, cms/, search/) by
   cumulative time are printed (these extra messages are not counted in A or B);
8. fault runs F, for each of ``--drops`` (default 0, 1 and 10 %): the daily run is deleted
   and run again from scratch as in A but without the timing wrappers, while the SMTP server
   drops that share of messages (the client sees the connection close, nothing accepted).
   The portal's retry settings are its defaults (DIGEST_SEND_TRIES, DIGEST_SEND_PAUSE_MS,
   DIGEST_RETRY_BACKOFF...): a delivery released after all its tries waits its real backoff
   (30 s), and the run's wall time includes waiting for the last of them.

It prints the machine (CPUs, load average at start, before A and before B, Python, Django,
Wagtail, aiosmtpd, the database and its durability settings), the preparation times, a table
for A and B (wall time, messages sent, messages and bytes the SMTP server received, messages/s,
CPU seconds of this process and of the SMTP server process), A's split with wall and CPU
seconds (fan-out, building, rendering, SMTP, the claim/record UPDATEs, unsubscribe keys, the
rest), per-chunk times, the queries of build_chunk for the first chunk and the statements per
deliver_chunk, and the target: A within 3x of B's wall time, PASS or FAIL; then the F table
(per drop rate: wall time and its ratio to the 0% run, messages sent and accepted, drops,
deliveries released to a later attempt, seconds spent only waiting for them, failures) with
the targets: 1% drops within 1.2x and 10% within 2x of the 0% run, PASS or FAIL.

Options (all optional):

    --subscribers N      subscribers, one daily subscription each (default 10000)
    --items M            new items in yesterday's window (default 200)
    --database D         postgres (default) or sqlite (a temporary file)
    --postgres-url URL   the throwaway database (default
                         postgres://postgres@127.0.0.1:5432/portal_bench_digests; loopback only)
    --profile            always profile one chunk (otherwise only when A/B is above 3x)
    --profile-top N      rows of each profile listing (default 10)
    --seed N             seed for the synthetic data and the drops (default 20250601)
    --tiny               a smoke run: 120 subscribers, 10 items, no fault runs
    --drops P [P ...]    fault runs with P % of messages dropped (default 0 1 10; 0 is
                         always run first, as their reference; none: no fault runs)
    --keep               keep the temporary directory and the PostgreSQL database

The target is for reading, not for the exit status: 0 when everything ran and the message
counts agree (A's sent deliveries, the SMTP server's count for A, B's sent count and the
server's count for B; for each F run its sent count, its Delivery rows sent and the server's
count, with nothing left open), 1 when they disagree or a measurement failed, 2 when the set-up
failed
(for example PostgreSQL is unreachable).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import logging
import os
import platform
import pstats
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench.common import (
    HOST,
    LOOPBACK_NAMES,
    PORTAL_SETTINGS_ENV,
    ROOT,
    SEED,
    SetupError,
    cpu_description,
    free_port,
    load_average,
    log,
    pg_name,
    pg_recreate,
    portal_env,
    redact,
)

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_digests"
TARGET_RATIO = 3.0
# Drop rate (%) -> the most wall time a run may take, against the same run without drops.
FAULT_TARGETS = {1.0: 1.2, 10.0: 2.0}
MAX_SUBSCRIBERS = 1_000_000
MAX_ITEMS = 10_000
BATCH = 1000
BASE_URL = "https://portal.example.org"
PROJECT_PACKAGES = ("portal/", "cms/", "search/")


# The synthetic data.
SUBSCRIBED_TOPICS = ["supply-chain", "vulnerability-disclosure", "incident-response",
                     "export-controls"]
WORDS = ["ransomware", "phishing", "screening", "bounty", "licensing", "tabletop"]
FILLERS = ["practical", "notes", "on", "for", "small", "firms", "lessons", "from", "the",
           "sector", "review", "approach", "checklist", "response", "partners"]
TYPE_CRITERIA = [{"type": "guidance"}, {"type": "case-studies"},
                 {"type": "standards", "topic": "supply-chain"},
                 {"type": "guidance", "topic": "incident-response"}]
TYPE_MIX = [("guidance", 50), ("case-studies", 30), ("standards", 20)]
TLP_MIX = [("clear", 45), ("green", 37), ("amber", 12), ("amber_strict", 3), ("red", 3)]



# --- the SMTP server, in a child process ---------------------------------------------------


class CountingHandler:
    """An aiosmtpd handler that stores nothing: it counts messages, recipients and bytes, and
    drops the connection instead of accepting a message with probability ``drop_rate``."""

    def __init__(self, messages, recipients, size, drop_rate, drops, seed):
        self.messages, self.recipients, self.size = messages, recipients, size
        self.drop_rate, self.drops = drop_rate, drops
        self.random = random.Random(seed)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.random.random() < self.drop_rate.value:
            with self.drops.get_lock():
                self.drops.value += 1
            server.transport.close()  # the client sees the connection go, nothing accepted
            return "421 4.4.2 Connection dropped"
        content = envelope.original_content or envelope.content or b""
        with self.messages.get_lock():
            self.messages.value += 1
            self.recipients.value += len(envelope.rcpt_tos)
            self.size.value += len(content)
        return "250 Message accepted for delivery"


def smtp_server_main(port, messages, recipients, size, drop_rate, drops, seed, ready,
                     stop) -> None:
    """The child process: an aiosmtpd Controller until ``stop`` is set."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    from aiosmtpd.controller import Controller

    handler = CountingHandler(messages, recipients, size, drop_rate, drops, seed)
    controller = Controller(handler, hostname=HOST,
                            port=port, ready_timeout=10)
    controller.start()
    ready.set()
    try:
        stop.wait()
    finally:
        controller.stop()


class SmtpServer:
    """aiosmtpd on 127.0.0.1 in a child process, with shared counters."""

    def __init__(self, seed=SEED):
        import multiprocessing

        self.seed = seed
        self.mp = multiprocessing.get_context("spawn")
        self.messages = self.mp.Value("q", 0)
        self.recipients = self.mp.Value("q", 0)
        self.size = self.mp.Value("q", 0)
        self.drop_rate = self.mp.Value("d", 0.0)  # read by the server for every message
        self.drops = self.mp.Value("q", 0)
        self.process = None
        self.stop_event = None
        self.port = None

    def start(self) -> None:
        for _attempt in range(3):
            self.port = free_port()
            ready, self.stop_event = self.mp.Event(), self.mp.Event()
            self.process = self.mp.Process(
                target=smtp_server_main, name="bench-smtp", daemon=True,
                args=(self.port, self.messages, self.recipients, self.size, self.drop_rate,
                      self.drops, self.seed, ready, self.stop_event))
            self.process.start()
            if ready.wait(20) and self.process.is_alive():
                return
            self.stop()
        raise SetupError("the aiosmtpd server did not start")

    def set_drop_rate(self, rate: float) -> None:
        self.drop_rate.value = rate

    def dropped(self) -> int:
        with self.drops.get_lock():
            return self.drops.value

    def counts(self) -> tuple[int, int, int]:
        with self.messages.get_lock():
            return self.messages.value, self.recipients.value, self.size.value

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) of the server process so far, from /proc; None if unknown."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (AttributeError, OSError, IndexError, ValueError):
            return None

    def stop(self) -> None:
        if self.process is None:
            return
        self.stop_event.set()
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
        self.process = None


# --- the throwaway environment -------------------------------------------------------------


def configure_env(tmp: Path, database_url: str | None, smtp_port: int) -> None:
    env = portal_env(
        tmp, database_url, CELERY_TASK_ALWAYS_EAGER="1",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST=HOST,
        EMAIL_PORT=str(smtp_port), DEFAULT_FROM_EMAIL="digests@portal.example.org",
        PORTAL_BASE_URL=BASE_URL, LOG_LEVEL="WARNING",
    )
    for name in PORTAL_SETTINGS_ENV:  # this process runs Django itself
        os.environ.pop(name, None)
    os.environ.update(env)
    (tmp / "var").mkdir(parents=True, exist_ok=True)


def setup_django() -> None:
    import django

    django.setup()
    # Celery's eager mode still opens the embedded broker's connection, and kombu warns about
    # its missing hostname once: noise here.
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)


def package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "n/a"


# --- timing helpers --------------------------------------------------------------------------


class Timers:
    """Wall seconds, CPU seconds (this thread) and calls per name, filled by wrappers around
    the portal's functions. Wall minus CPU is time spent waiting (database, SMTP server)."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, name, function, after=None):
        def timed(*args, **kwargs):
            started, cpu_started = time.perf_counter(), time.thread_time()
            try:
                return_value = function(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.cpu[name] += time.thread_time() - cpu_started
                self.calls[name] += 1
            if after is not None:
                after(return_value)
            return return_value

        timed.__wrapped__ = function
        return timed


@contextlib.contextmanager
def patched(target, name, replacement):
    original = getattr(target, name)
    setattr(target, name, replacement)
    try:
        yield original
    finally:
        setattr(target, name, original)


class QueryCounter:
    """A ``connection.execute_wrapper``: counts statements without the debug cursor."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def send_run(run, chunks, label, chunk_seconds=None) -> dict:
    """Send a run as one worker would: every chunk in turn (``send_digest_chunk`` without the
    broker), and the deliveries a chunk released as soon as they are due, as the worker runs
    its follow-up tasks when their time comes (waiting for them at the end). Returns the summed
    outcomes and ``waited_s``, the time spent waiting for retries with nothing else to do."""
    from django.utils import timezone

    from portal.features.digests import sending

    totals = defaultdict(int)
    waited = 0.0
    follow_ups = []  # (when, user ids)

    def send(user_ids):
        started = time.perf_counter()
        outcome = sending.deliver_chunk(run.pk, user_ids)
        if chunk_seconds is not None:
            chunk_seconds.append(time.perf_counter() - started)
        for key, value in outcome.counts.items():
            totals[key] += value
        if outcome.retry_ids:
            follow_ups.append((outcome.retry_at, outcome.retry_ids))

    def send_due():
        due = [f for f in follow_ups if f[0] <= timezone.now()]
        for follow_up in sorted(due, key=lambda f: f[0]):
            follow_ups.remove(follow_up)
            send(follow_up[1])

    for index, chunk in enumerate(chunks):
        send(chunk)
        send_due()
        if (index + 1) % 10 == 0:
            log(f"  {label}: {index + 1}/{len(chunks)} chunks, {totals['sent']:,.0f} sent")
    while follow_ups:
        wait = (min(f[0] for f in follow_ups) - timezone.now()).total_seconds()
        if wait > 0:
            log(f"  {label}: waiting {wait:.1f} s for {sum(len(f[1]) for f in follow_ups)}"
                " released deliveries")
            time.sleep(wait)
            waited += wait
        send_due()
    return {**totals, "waited_s": waited}


# --- the benchmark ---------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace, smtp: SmtpServer):
        self.args = args
        self.smtp = smtp
        self.rng = random.Random(args.seed)
        self.result: dict = {"prepare": {}}

    def run(self) -> dict:
        from django.utils import timezone

        self.now = timezone.now()
        self.prepare()
        self.result["database"] = self.database_version()
        self.probe()
        self.warm_dns_name()
        self.result["loadavg_before_a"] = load_average()
        self.measure_a()
        self.measure_b()
        b_wall = self.result["b"]["wall_s"]
        ratio = self.result["a"]["wall_s"] / b_wall if b_wall > 0 else float("inf")
        self.result["ratio"] = ratio
        if self.args.profile or ratio > TARGET_RATIO:
            self.profile_chunk()
        self.result["faults"] = [self.measure_faults(percent) for percent in self.args.drops]
        return self.result

    # -- preparation -----------------------------------------------------------------------
    def prepare(self) -> None:
        from django.conf import settings
        from django.core.management import call_command

        # Nobody here has a usable password, but keep any hashing cheap.
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        timings = self.result["prepare"]
        started = time.perf_counter()
        log("migrate")
        call_command("migrate", interactive=False, verbosity=0)
        timings["migrate"] = time.perf_counter() - started

        mark = time.perf_counter()
        log("site tree, taxonomy and organisations")
        call_command("make_synthetic_library", organisations=7, people=1, seed=self.args.seed,
                     stdout=io.StringIO())
        timings["site tree, topics, organisations"] = time.perf_counter() - mark

        mark = time.perf_counter()
        log(f"{self.args.subscribers:,} subscribers")
        self.make_subscribers()
        timings[f"{self.args.subscribers:,} subscribers"] = time.perf_counter() - mark

        mark = time.perf_counter()
        log(f"{self.args.items:,} items (Wagtail pages, published and indexed)")
        self.make_items()
        timings[f"{self.args.items:,} items"] = time.perf_counter() - mark
        timings["total"] = time.perf_counter() - started

    def make_subscribers(self) -> None:
        from allauth.account.models import EmailAddress
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password
        from django.db import transaction

        from cms.synthetic import synthetic_organisations
        from portal.core.organisations.models import Membership
        from portal.features.digests.models import Subscription

        User = get_user_model()  # noqa: N806
        self.orgs = synthetic_organisations()
        if not self.orgs:
            raise RuntimeError("make_synthetic_library made no organisations")
        unusable = make_password(None)
        n = self.args.subscribers
        with transaction.atomic():
            User.objects.bulk_create(
                [User(email=f"subscriber{i:07d}@bench.example", password=unusable,
                      first_name="Subscriber", last_name=str(i)) for i in range(n)],
                batch_size=BATCH)
            rows = list(User.objects.filter(email__endswith="@bench.example")
                        .order_by("pk").values_list("pk", "email"))
            if len(rows) != n:
                raise RuntimeError(f"expected {n} subscribers, found {len(rows)}")
            self.subscriber_ids = [pk for pk, _ in rows]
            EmailAddress.objects.bulk_create(
                [EmailAddress(user_id=pk, email=email, primary=True, verified=True)
                 for pk, email in rows], batch_size=BATCH)
            Membership.objects.bulk_create(
                [Membership(user_id=pk, organisation=self.orgs[i % len(self.orgs)],
                            role="member") for i, (pk, _) in enumerate(rows)],
                batch_size=BATCH)
            subscriptions = []
            kinds = defaultdict(int)
            for i, (pk, _) in enumerate(rows):
                name, params = self.criteria(i)
                kinds[name] += 1
                subscriptions.append(Subscription(user_id=pk, name=name,
                                                  criteria=urlencode(params),
                                                  frequency="daily"))
            Subscription.objects.bulk_create(subscriptions, batch_size=BATCH)
        self.result["criteria"] = dict(kinds)

    def criteria(self, i: int) -> tuple[str, dict]:
        """Subscriber ``i``'s saved search: 50% topic, 20% topic+text, 15% text, 15% type."""
        slot = i % 20
        topic = SUBSCRIBED_TOPICS[self.rng.randrange(len(SUBSCRIBED_TOPICS))]
        word = WORDS[self.rng.randrange(len(WORDS))]
        if slot < 10:
            return "topic", {"topic": topic}
        if slot < 14:
            return "topic + q", {"topic": topic, "q": word}
        if slot < 17:
            return "q", {"q": word}
        return "type filter", dict(TYPE_CRITERIA[self.rng.randrange(len(TYPE_CRITERIA))])

    def make_items(self) -> None:
        from cms.models import ItemPage, Topic
        from search.models import SearchEntry

        topics = list(Topic.objects.order_by("pk"))
        labels, label_weights = zip(*TLP_MIX, strict=True)
        item_types, type_weights = zip(*TYPE_MIX, strict=True)
        rng = self.rng
        ids = []
        mix = defaultdict(int)
        for n in range(self.args.items):
            org = self.orgs[n % len(self.orgs)]
            label = rng.choices(labels, weights=label_weights)[0]
            item_type = rng.choices(item_types, weights=type_weights)[0]
            others = [o for o in self.orgs if o.pk != org.pk]
            recipient_orgs = rng.sample(others, rng.randint(1, 2)) if label == "amber" else []
            recipient_users = (rng.sample(self.subscriber_ids, rng.randint(1, 3))
                               if label == "red" else [])
            words = rng.sample(WORDS, 2) + rng.sample(FILLERS, 4)
            rng.shuffle(words)
            title = f"Bench item {n + 1}: " + " ".join(words).capitalize()
            page = self.make_item(item_type, org, label, title,
                                  rng.sample(topics, rng.randint(1, 2)),
                                  recipient_orgs, recipient_users)
            ids.append(page.pk)
            mix[label] += 1
            if (n + 1) % 50 == 0:
                log(f"  {n + 1} items")
        # Everything in yesterday's window: the middle of the run's window, in one update.
        from portal.features.digests.models import window_for

        start, end = window_for("daily", self.now)
        updated = ItemPage.objects.filter(pk__in=ids).update(
            first_published_at=start + (end - start) / 2)
        if updated != len(ids):
            raise RuntimeError(f"updated {updated} of {len(ids)} items")
        indexed = SearchEntry.objects.filter(pk__in=ids).count()
        if indexed != len(ids):
            log(f"only {indexed} of {len(ids)} items indexed on publish; rebuilding the index")
            from search import indexing

            indexing.rebuild()
        self.item_ids = ids
        self.result["tlp_mix"] = dict(mix)

    def make_item(self, item_type, org, label, title, topics, recipient_orgs, recipient_users):
        """One item as a real page under its organisation's page."""
        from cms.factories import make_item
        from cms.models import CaseStudyPage, GuidancePage, StandardPage

        summary = (f"{title}. What the community learned, and what a small team can do about "
                   "it this quarter without a dedicated security function.")
        paragraph = [{"type": "paragraph", "value": f"<p>{summary}</p>"}]
        if item_type == "standards":
            cls, fields = StandardPage, {"clauses": [{"type": "clause", "value": {
                "number": "1", "title": "Scope", "requirement": f"<p>{summary}</p>",
                "guidance": ""}}]}
        elif item_type == "case-studies":
            cls, fields = CaseStudyPage, {"body": paragraph, "sector": "Technology"}
        else:
            cls, fields = GuidancePage, {"body": paragraph}
        return make_item(org, label, title, cls=cls, summary=summary, topics=topics,
                         recipient_orgs=recipient_orgs, recipient_users=recipient_users, **fields)

    def database_version(self) -> str:
        from django.db import connection

        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW server_version")
                shown = ["PostgreSQL " + cursor.fetchone()[0]]
                for name in ("fsync", "synchronous_commit", "shared_buffers"):
                    cursor.execute(f"SHOW {name}")
                    shown.append(f"{name}={cursor.fetchone()[0]}")
                return ", ".join(shown)
            cursor.execute("SELECT sqlite_version()")
            shown = ["SQLite " + cursor.fetchone()[0]]
            for name in ("journal_mode", "synchronous"):
                cursor.execute(f"PRAGMA {name}")
                shown.append(f"{name}={cursor.fetchone()[0]}")
            return ", ".join(shown)

    # -- the probe ---------------------------------------------------------------------------
    def probe(self) -> None:
        """Queries of one build_chunk call for the first chunk (read-only; warms caches)."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from portal.features.digests.building import build_chunk
        from portal.features.digests.models import window_for
        from portal.features.digests.runs import CHUNK_SIZE

        start, end = window_for("daily", self.now)
        first = sorted(self.subscriber_ids)[:CHUNK_SIZE]
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            digests = build_chunk("daily", start, end, first)
            seconds = time.perf_counter() - started
        items = [len(d.items) for d in digests]
        self.result["probe"] = {
            "subscribers": len(first), "queries": len(captured.captured_queries),
            "seconds": seconds, "non_empty": sum(1 for i in items if i),
            "items_mean": statistics.mean(items) if items else 0,
            "items_max": max(items, default=0),
        }

    def warm_dns_name(self) -> None:
        """Django's SMTP backend and Message-ID use socket.getfqdn() once: not in A's time."""
        from django.core.mail.utils import DNS_NAME

        started = time.perf_counter()
        str(DNS_NAME)
        self.result["dns_name_s"] = time.perf_counter() - started

    # -- A: the digest run -------------------------------------------------------------------
    def measure_a(self) -> None:
        from django.core.mail import EmailMessage
        from django.db import connection

        from portal.features.digests import runs, sending
        from portal.features.digests.models import Delivery, DeliveryStatus

        timers = Timers()
        captured = []

        def capture(message):
            alternatives = [(content, mimetype) for content, mimetype in message.alternatives]
            captured.append({"subject": message.subject, "body": message.body,
                             "from_email": message.from_email, "to": list(message.to),
                             "headers": dict(message.extra_headers),
                             "alternatives": alternatives})

        counter = QueryCounter()
        chunk_seconds = []
        totals = defaultdict(int)
        before = self.smtp.counts()
        server_cpu_before = self.smtp.cpu_seconds()
        log("A: the digest run (get_or_start_run, fan_out, deliver_chunk per chunk)")
        with contextlib.ExitStack() as stack:
            for name in ("build_chunk", "claim_deliveries", "record_outcome",
                         "unsubscribe_keys"):
                stack.enter_context(patched(sending, name,
                                            timers.wrap(name, getattr(sending, name))))
            stack.enter_context(patched(
                sending, "render_message",
                timers.wrap("render_message", sending.render_message, after=capture)))
            stack.enter_context(patched(EmailMessage, "send",
                                        timers.wrap("send", EmailMessage.send)))
            stack.enter_context(connection.execute_wrapper(counter))
            started, cpu_started = time.perf_counter(), time.process_time()
            run, created = runs.get_or_start_run("daily", self.now)
            chunks = runs.fan_out(run)
            fan_out_s = time.perf_counter() - started
            fan_out_queries = counter.count
            totals.update(send_run(run, chunks, "A", chunk_seconds))
            totals.pop("waited_s")
            wall = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
        after = self.smtp.counts()
        server_cpu = self.server_cpu_since(server_cpu_before)
        if not created:
            raise RuntimeError("the digest run already existed: the database is not fresh")
        self.run_obj, self.chunks, self.captured = run, chunks, captured
        sent_rows = Delivery.objects.filter(run=run, status=DeliveryStatus.SENT).count()
        self.result["a"] = {
            "wall_s": wall, "cpu_s": cpu, "server_cpu_s": server_cpu, "fan_out_s": fan_out_s,
            "chunks": len(chunks),
            "deliveries": sum(len(c) for c in chunks), "counts": dict(totals),
            "sent": totals["sent"], "sent_rows": sent_rows, "captured": len(captured),
            "server_messages": after[0] - before[0], "server_recipients": after[1] - before[1],
            "server_bytes": after[2] - before[2],
            "seconds": dict(timers.seconds), "cpu": dict(timers.cpu), "calls": dict(timers.calls),
            "queries": counter.count, "fan_out_queries": fan_out_queries,
            "chunk_s": chunk_seconds,
        }

    # -- F: the same run again, with the server dropping connections ---------------------------
    def measure_faults(self, percent: float) -> dict:
        """The run again from scratch (its deliveries deleted) while the SMTP server drops
        ``percent`` % of the connections at random, without timing wrappers."""
        from portal.features.digests import runs
        from portal.features.digests.models import Delivery, DeliveryStatus, DigestRun

        DigestRun.objects.filter(frequency="daily").delete()
        self.smtp.set_drop_rate(percent / 100)
        before, drops_before = self.smtp.counts(), self.smtp.dropped()
        log(f"F: the digest run with {percent:g}% of messages dropped")
        try:
            started = time.perf_counter()
            run, _ = runs.get_or_start_run("daily", self.now)
            totals = send_run(run, runs.fan_out(run), f"F {percent:g}%")
            wall = time.perf_counter() - started
        finally:
            self.smtp.set_drop_rate(0.0)
        deliveries = Delivery.objects.filter(run=run)
        return {
            "percent": percent, "wall_s": wall, "waited_s": totals["waited_s"],
            "sent": int(totals["sent"]), "released": int(totals["retrying"]),
            "sent_rows": deliveries.filter(status=DeliveryStatus.SENT).count(),
            "failed_rows": deliveries.filter(status=DeliveryStatus.FAILED).count(),
            "open_rows": deliveries.exclude(status__in=[
                DeliveryStatus.SENT, DeliveryStatus.EMPTY, DeliveryStatus.FAILED]).count(),
            "server_messages": self.smtp.counts()[0] - before[0],
            "drops": self.smtp.dropped() - drops_before,
        }

    # -- B: plain Django mail ------------------------------------------------------------------
    def measure_b(self) -> None:
        from django.core.mail import EmailMultiAlternatives, get_connection

        from portal.features.digests.runs import CHUNK_SIZE

        captured = self.captured
        batches = [captured[i:i + CHUNK_SIZE] for i in range(0, len(captured), CHUNK_SIZE)]
        sent = 0
        before = self.smtp.counts()
        server_cpu_before = self.smtp.cpu_seconds()
        self.result["loadavg_before_b"] = load_average()
        log(f"B: {len(captured):,} messages with plain Django mail, {len(batches)} connections")
        started, cpu_started = time.perf_counter(), time.process_time()
        for batch in batches:
            messages = [EmailMultiAlternatives(
                subject=m["subject"], body=m["body"], from_email=m["from_email"], to=m["to"],
                headers=m["headers"], alternatives=m["alternatives"]) for m in batch]
            with get_connection() as connection:
                sent += connection.send_messages(messages) or 0
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        after = self.smtp.counts()
        self.result["b"] = {
            "wall_s": wall, "cpu_s": cpu, "server_cpu_s": self.server_cpu_since(server_cpu_before),
            "sent": sent, "connections": len(batches),
            "server_messages": after[0] - before[0], "server_recipients": after[1] - before[1],
            "server_bytes": after[2] - before[2],
        }

    def server_cpu_since(self, before: float | None) -> float | None:
        now = self.smtp.cpu_seconds()
        return now - before if now is not None and before is not None else None

    # -- profile -------------------------------------------------------------------------------
    def profile_chunk(self) -> None:
        """Send the first chunk again under cProfile (its deliveries put back to pending)."""
        from portal.features.digests.models import Delivery, DeliveryStatus
        from portal.features.digests.sending import deliver_chunk

        if not self.chunks:
            return
        chunk = self.chunks[0]
        log(f"profiling one chunk ({len(chunk)} subscribers) under cProfile")
        Delivery.objects.filter(run=self.run_obj, user_id__in=chunk).update(
            status=DeliveryStatus.PENDING)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        counts = deliver_chunk(self.run_obj.pk, chunk).counts
        profiler.disable()
        wall = time.perf_counter() - started
        stats = pstats.Stats(profiler)
        rows = []
        for (filename, line, function), (cc, nc, tt, ct, _callers) in stats.stats.items():
            rows.append({"where": short_location(filename, line, function),
                         "ncalls": nc if nc == cc else f"{nc}/{cc}", "tottime": tt,
                         "cumtime": ct})
        top = self.args.profile_top
        self.result["profile"] = {
            "wall_s": wall, "counts": counts, "subscribers": len(chunk),
            "total_tt": sum(r["tottime"] for r in rows),
            "cumulative": sorted(rows, key=lambda r: -r["cumtime"])[:top],
            "own": sorted(rows, key=lambda r: -r["tottime"])[:top],
            "project": sorted((r for r in rows if r["where"].startswith(PROJECT_PACKAGES)),
                              key=lambda r: -r["cumtime"])[:top],
        }


def short_location(filename: str, line: int, function: str) -> str:
    if filename == "~":  # a built-in or C function
        return re.sub(r" at 0x[0-9a-f]+>", ">", function)
    path = filename
    for prefix, label in ((str(ROOT / ".venv") + "/", ""), (str(ROOT) + "/", "")):
        if path.startswith(prefix):
            path = label + path[len(prefix):]
            break
    if "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    return f"{path}:{line}({function})"


# --- the report --------------------------------------------------------------------------------


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}" if seconds > 0 else "n/a"


def report(result: dict, args: argparse.Namespace, where: str, loadavg: str) -> tuple[str, bool]:
    from portal.features.digests.runs import CHUNK_SIZE

    a, b = result["a"], result["b"]
    agree = (a["sent"] == a["server_messages"] == a["sent_rows"] == a["captured"]
             == b["sent"] == b["server_messages"])
    lines = [
        "Portal digests: one daily run (deliver_chunk) against plain Django mail, same SMTP server",
        f"  CPUs             : {cpu_description()}; load average at start {loadavg},"
        f" before A {result['loadavg_before_a']}, before B {result['loadavg_before_b']}"
        " (1/5/15 min)",
        f"  platform         : {platform.system()} {platform.release()} {platform.machine()}",
        f"  Python / Django  : Python {platform.python_version()} / Django"
        f" {package_version('django')} / Wagtail {package_version('wagtail')}"
        f" / aiosmtpd {package_version('aiosmtpd')}",
        f"  database         : {result['database']}, {where}",
        f"  SMTP server      : aiosmtpd Controller on {HOST} (child process), counts only",
        f"  subscribers      : {args.subscribers:,}, one daily subscription each ("
        + ", ".join(f"{k} {v:,}" for k, v in sorted(result["criteria"].items())) + ")",
        f"  new items        : {args.items:,} in yesterday's window ("
        + ", ".join(f"{k} {v}" for k, v in sorted(result["tlp_mix"].items())) + ")",
        f"  chunk size       : {CHUNK_SIZE} subscribers per deliver_chunk, {a['chunks']} chunks;"
        f" B: {CHUNK_SIZE} messages per connection, {b['connections']} connections",
        "",
        "preparation (not measured): "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result["prepare"].items()),
        "",
    ]
    header = (f"{'':<22} {'wall s':>8} {'sent':>7} {'SMTP rcvd':>9} {'MB rcvd':>8}"
              f" {'msgs/s':>7} {'CPU s':>7} {'server CPU s':>12}")
    lines += [header, "-" * len(header)]
    for label, data in (("A digest run", a), ("B plain Django mail", b)):
        server_cpu = data.get("server_cpu_s")
        lines.append(
            f"{label:<22} {data['wall_s']:>8.2f} {data['sent']:>7,} {data['server_messages']:>9,}"
            f" {data['server_bytes'] / 1e6:>8.1f} {rate(data['sent'], data['wall_s']):>7}"
            f" {data['cpu_s']:>7.2f} {'n/a' if server_cpu is None else f'{server_cpu:.2f}':>12}")
    lines.append("CPU s: this process (the worker's work); server CPU s: the aiosmtpd process")
    ratio = result["ratio"]
    verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
    lines += [
        "",
        f"A/B wall time ratio: {ratio:.2f}x; target A within {TARGET_RATIO:.0f}x of the plain"
        f" send: {verdict}",
        f"message counts: {'agree' if agree else 'DISAGREE'} (A sent {a['sent']:,}, Delivery"
        f" rows sent {a['sent_rows']:,}, captured {a['captured']:,}, server for A"
        f" {a['server_messages']:,}; B sent {b['sent']:,}, server for B"
        f" {b['server_messages']:,})",
        "A outcomes: " + ", ".join(f"{k} {v:,}" for k, v in sorted(a["counts"].items()))
        + f" of {a['deliveries']:,} deliveries",
        "",
    ]
    fault_lines, faults_agree = report_faults(result["faults"])
    agree = agree and faults_agree
    lines += fault_lines
    seconds, cpu, calls = a["seconds"], a["cpu"], a["calls"]

    def part(label, *names):
        return (label, sum(seconds.get(n, 0.0) for n in names),
                sum(cpu.get(n, 0.0) for n in names), sum(calls.get(n, 0) for n in names))

    parts = [
        ("get_or_start_run + fan_out", a["fan_out_s"], None, 1),
        part("build_chunk (building)", "build_chunk"),
        part("render_message (templates)", "render_message"),
        part("message.send (SMTP)", "send"),
        part("claim + record (UPDATEs)", "claim_deliveries", "record_outcome"),
        part("unsubscribe_keys", "unsubscribe_keys"),
    ]
    accounted = sum(p[1] for p in parts)
    parts.append(("rest of deliver_chunk", a["wall_s"] - accounted, None, 0))
    header = (f"{'A split':<30} {'seconds':>8} {'share':>7} {'CPU s':>7} {'calls':>7}"
              f" {'ms/call':>8}")
    lines += [header, "-" * len(header)]
    for name, secs, cpu_s, n in parts:
        per_call = f"{secs / n * 1000:.2f}" if n else ""
        cpu_text = f"{cpu_s:.2f}" if cpu_s is not None else ""
        lines.append(f"{name:<30} {secs:>8.2f} {secs / a['wall_s']:>7.1%} {cpu_text:>7}"
                     f" {n or '':>7} {per_call:>8}")
    lines.append("seconds: wall time inside the wrapped function; CPU s: this thread's CPU time"
                 " there (the rest is waiting for the database or the SMTP server)")
    chunk_s = sorted(a["chunk_s"])
    if chunk_s:
        lines.append(f"per chunk: min {chunk_s[0]:.2f} s, median {statistics.median(chunk_s):.2f}"
                     f" s, max {chunk_s[-1]:.2f} s")
    probe = result["probe"]
    lines += [
        "",
        f"queries: build_chunk for the first chunk ({probe['subscribers']} subscribers):"
        f" {probe['queries']} queries in {probe['seconds']:.2f} s (first call, caches cold);"
        f" {probe['non_empty']} non-empty digests, {probe['items_mean']:.1f} items on average,"
        f" at most {probe['items_max']}",
        f"queries: A ran {a['queries']:,} statements, {a['fan_out_queries']} in"
        f" get_or_start_run + fan_out and"
        f" {(a['queries'] - a['fan_out_queries']) / max(a['chunks'], 1):,.0f} per deliver_chunk"
        f" on average ({(a['queries'] - a['fan_out_queries']) / max(a['sent'], 1):.2f}"
        " per message sent)",
        f"bytes per message: A {a['server_bytes'] / max(a['server_messages'], 1):,.0f},"
        f" B {b['server_bytes'] / max(b['server_messages'], 1):,.0f} (they differ only in"
        " Date and Message-ID)",
    ]
    if result.get("dns_name_s", 0) > 0.5:
        lines.append(f"note: socket.getfqdn() took {result['dns_name_s']:.1f} s (done before A)")
    profile = result.get("profile")
    if profile:
        lines += [
            "",
            f"profile: the first chunk sent again under cProfile ({profile['subscribers']}"
            f" subscribers, {profile['counts'].get('sent', 0)} sent, {profile['wall_s']:.2f} s"
            " with the profiler's overhead)",
        ]
        for title, key in (("cumulative", "cumulative"), ("own time (tottime)", "own"),
                           ("cumulative, the portal's own code", "project")):
            header = f"{'ncalls':>10} {'tottime':>8} {'cumtime':>8}  top {len(profile[key])}"
            header += f" by {title}"
            lines += ["", header, "-" * 100]
            for row in profile[key]:
                lines.append(f"{row['ncalls']!s:>10} {row['tottime']:>8.3f} {row['cumtime']:>8.3f}"
                             f"  {row['where']}")
    return "\n".join(lines), agree


def report_faults(faults: list[dict]) -> tuple[list[str], bool]:
    """The runs with random drops, each against the run without (the first, 0%)."""
    if not faults:
        return [], True
    base = faults[0]["wall_s"]
    header = (f"{'F: drops':<10} {'wall s':>8} {'x 0%':>6} {'sent':>7} {'SMTP rcvd':>9}"
              f" {'dropped':>8} {'released':>8} {'waited s':>8} {'failed':>6}  target")
    lines = ["F: the same run from scratch while the server drops connections at random"
             " (no timing wrappers); released: deliveries that failed all their tries and"
             " waited for a later attempt", header, "-" * len(header)]
    agree = True
    for f in faults:
        ratio = f["wall_s"] / base if base > 0 else float("inf")
        limit = FAULT_TARGETS.get(f["percent"])
        target = "" if limit is None else (
            f"within {limit:g}x: {'PASS' if ratio <= limit else 'FAIL'}")
        lines.append(f"{f['percent']:>9g}% {f['wall_s']:>8.2f} {ratio:>5.2f}x {f['sent']:>7,}"
                     f" {f['server_messages']:>9,} {f['drops']:>8,} {f['released']:>8,}"
                     f" {f['waited_s']:>8.1f} {f['failed_rows']:>6,}  {target}")
        agree = agree and f["sent"] == f["sent_rows"] == f["server_messages"] \
            and f["open_rows"] == 0
    lines += [f"F counts: {'agree' if agree else 'DISAGREE'} (each run: sent = Delivery rows"
              " sent = messages the server accepted, nothing left open)", ""]
    return lines, agree


# --- main ----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Digest run throughput against plain Django mail, on a local SMTP server.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--postgres-url", default=DEFAULT_PG_URL,
                        help="the throwaway PostgreSQL database (loopback only)")
    parser.add_argument("--profile", action="store_true",
                        help="always profile one chunk (otherwise only above the target)")
    parser.add_argument("--profile-top", type=int, default=10)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--drops", type=float, nargs="*", default=[0.0, 1.0, 10.0],
                        metavar="PERCENT",
                        help="fault runs: the run again with this share of messages dropped"
                             " by the server (0 is always run first, as their reference)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary directory and the PostgreSQL database")
    parser.add_argument("--tiny", action="store_true",
                        help="a smoke run: 120 subscribers and 10 items")
    args = parser.parse_args(argv)
    if args.tiny:
        args.subscribers, args.items, args.drops = 120, 10, []
    if not 1 <= args.subscribers <= MAX_SUBSCRIBERS:
        parser.error(f"--subscribers must be between 1 and {MAX_SUBSCRIBERS:,}")
    if not 1 <= args.items <= MAX_ITEMS:
        parser.error(f"--items must be between 1 and {MAX_ITEMS:,}")
    if any(not 0 <= p < 100 for p in args.drops):
        parser.error("--drops must be percentages from 0 to below 100")
    if args.drops:
        args.drops = [0.0] + sorted({p for p in args.drops if p > 0})
    if not 1 <= args.profile_top <= 200:
        parser.error("--profile-top must be between 1 and 200")
    parts = urlsplit(args.postgres_url)
    if parts.scheme not in {"postgres", "postgresql"}:
        parser.error("--postgres-url must be a postgres:// URL")
    if (parts.hostname or "") not in LOOPBACK_NAMES:
        parser.error(f"--postgres-url must point to a loopback host, not {parts.hostname!r}")
    if not pg_name(args.postgres_url) or pg_name(args.postgres_url) in {"postgres",
                                                                          "template0",
                                                                          "template1"}:
        parser.error("--postgres-url must name a throwaway database (it is dropped)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A SIGTERM unwinds like Ctrl+C, so the SMTP server, directory and database are cleaned up.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    loadavg = load_average()
    tmp = Path(tempfile.mkdtemp(prefix="portal-bench-digests-"))
    smtp = SmtpServer(args.seed)
    used_postgres = False
    django_ready = False
    status = 0
    try:
        try:
            smtp.start()
            log(f"aiosmtpd on {HOST}:{smtp.port}")
            url = None
            if args.database == "postgres":
                url = args.postgres_url
                log(f"postgres: recreating database {pg_name(url)}")
                pg_recreate(url)
                used_postgres = True
            configure_env(tmp, url, smtp.port)
            setup_django()
            django_ready = True
        except SetupError as exc:
            log(f"set-up failed: {exc}")
            return 2
        where = (redact(args.postgres_url) if used_postgres
                 else f"fresh file in {tmp / 'var'}" if args.keep
                 else "fresh file in a temporary PORTAL_VAR_DIR")
        try:
            result = Bench(args, smtp).run()
        except Exception:  # noqa: BLE001 - report any failure and exit 1
            traceback.print_exc()
            return 1
        text, agree = report(result, args, where, loadavg)
        print(text, flush=True)
        status = 0 if agree else 1
    finally:
        if django_ready:
            from django.db import connections

            connections.close_all()
        smtp.stop()
        if used_postgres and not args.keep:
            try:
                pg_recreate(args.postgres_url, create=False)
            except SetupError as exc:
                log(f"could not drop {pg_name(args.postgres_url)}: {exc}")
        if args.keep:
            log(f"kept {tmp}" + (f" and database {pg_name(args.postgres_url)}"
                                 if used_postgres else ""))
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
