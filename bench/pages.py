"""Pages served per second by the portal under gunicorn, with a load generator, on loopback.

Run from the project root::

    .venv/bin/python -m bench.pages
    .venv/bin/python -m bench.pages --database-url postgres://postgres@127.0.0.1:5432/portal_bench
    .venv/bin/python -m bench.pages --items 5000     # a synthetic library instead of the demo
    .venv/bin/python -m bench.pages --tiny           # a smoke run, seconds
    .venv/bin/python -m bench.pages --database-url ... --redis-url redis://127.0.0.1:6379/15

What it does, every run, in a throwaway environment:

1. makes a temporary PORTAL_VAR_DIR (deleted at the end unless ``--keep``) with a fresh SQLite
   database, or uses ``--database-url`` (PostgreSQL on loopback: the database is created if it
   does not exist; ``--recreate-database`` drops and recreates it first);
2. with production-like settings (DEBUG=0, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1,localhost,
   SECURE_SSL_REDIRECT=0, SESSION_COOKIE_SECURE=0, CSRF_COOKIE_SECURE=0, SECURE_HSTS_SECONDS=0,
   no REDIS_URL, a local-memory email backend) runs ``manage.py migrate``,
   ``manage.py load_demo_data --force`` (or, with ``--items N``, ``manage.py
   make_synthetic_library --items N``) and ``manage.py collectstatic --noinput`` (STATIC_ROOT in
   the temporary directory);
3. finds the URL of the first live TLP:CLEAR item through the Django ORM;
4. starts gunicorn (``portal.wsgi:application``, sync workers) on 127.0.0.1 and a free port,
   waits for ``/healthz/`` and always stops it at the end, even on error or Ctrl+C;
5. for each URL (``/healthz/`` as the baseline, then ``/``, ``/guidance/``, the item page and
   ``/search/?q=disclosure``, each as an anonymous visitor and as a signed-in member with a
   session cookie) runs a warm-up, then a fixed-duration measurement, and checks that every
   response is a 200 (and that the member's pages show them signed in);
6. prints a table (requests/s, p50/p95 latency, errors, ratio to ``/healthz/``, the target with
   PASS or FAIL) with the CPU count, load average, load generator, database, cache, search index
   size, how a static file is served, and the Python/Django versions.

The load generator is ``wrk`` when it is on PATH (Debian package ``wrk``), otherwise a built-in
one: Python threads, each with one keep-alive ``http.client`` connection (gunicorn's sync workers
close every connection, so it reconnects as a browser would). ``--generator python`` forces it.
All traffic goes to 127.0.0.1 only; ``--database-url`` must point to a loopback host as well.

Options (all optional):

    --seconds N          measured seconds per URL (default 10)
    --warmup N           warm-up seconds per URL before measuring (default 2)
    --concurrency N      concurrent connections (default 8)
    --workers N          gunicorn worker processes (default 2)
    --generator G        auto (default: wrk if on PATH), wrk or python
    --wrk-threads N      wrk threads (default 1, so the generator takes little CPU from gunicorn)
    --database-url URL   use this database instead of a fresh SQLite file
    --recreate-database  drop and recreate the --database-url PostgreSQL database first
    --conn-max-age N     DATABASE_CONN_MAX_AGE for the server (default: the settings' default, 60)
    --redis-url URL      Redis (loopback) as the cache; that database is emptied first
    --search-items N     fill the search index up to N entries (default 10000; 0: as loaded)
    --url PATH           also measure this path for both readers (repeatable)
    --items N            a synthetic library of N items instead of the demo data
    --tiny               a smoke run: 12 synthetic items, no extra search entries, 1 worker,
                         concurrency 2, no warm-up, 0.5 s per URL (overrides those options)
    --json PATH          also write the results as JSON to PATH
    --keep               keep the temporary directory (logs, SQLite database) and print its path

Exit status: 0 if every response was a 200, 1 if any URL had errors, 2 if the set-up failed.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench.common import (
    HOST,
    LOOPBACK_NAMES,
    ROOT,
    SetupError,
    cpu_description,
    free_port,
    load_average,
    log,
    percentile,
    pg_connect_args,
    portal_env,
    redact,
)

SEARCH_PATH = "/search/?q=disclosure"
# (page, reader) -> the least share of /healthz/'s throughput the page should reach.
TARGETS = {("home", "anonymous"): 0.25, ("library", "anonymous"): 0.25,
           ("item", "anonymous"): 0.25, ("home", "member"): 0.05, ("library", "member"): 0.05,
           ("item", "member"): 0.05, ("search", "member"): 0.03}
MAX_CONCURRENCY = 256
MAX_SECONDS = 600
REQUEST_TIMEOUT = 10.0


INFO_SNIPPET = """
import json
import django
import wagtail
from django.db import connection
from cms.models import ItemPage

item = ItemPage.objects.live().filter(tlp="clear").first()
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        cursor.execute("SHOW server_version")
        db = "PostgreSQL " + cursor.fetchone()[0]
    elif connection.vendor == "sqlite":
        cursor.execute("SELECT sqlite_version()")
        db = "SQLite " + cursor.fetchone()[0]
    else:
        db = connection.vendor
print("BENCH_INFO " + json.dumps({
    "item_url": item.url if item else None,
    "item_title": item.title if item else None,
    "live_items": ItemPage.objects.live().count(),
    "database": db,
    "django": django.get_version(),
    "wagtail": wagtail.__version__,
}))
"""

# A signed-in member for the signed-in pages: a session made as a sign-in would make it (the
# demo's member of Harbourline Security), then the cache emptied, so no earlier run's pages are
# served (with --redis-url this empties that Redis database).
READER_SNIPPET = """
import json
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.cache import cache

# The demo's member, or (in a synthetic library) the first verified member of an organisation.
User = get_user_model()
user = (User.objects.filter(email="member@harbourline.example.org").first()
        or User.objects.filter(memberships__organisation__status="approved",
                               emailaddress__verified=True).order_by("pk").first())
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.set_expiry(24 * 3600)
session.create()
cache.clear()
cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
print("BENCH_READER " + json.dumps({"cookie": cookie, "email": user.email}))
"""

# How many entries the search index holds once make_synthetic_library has topped it up.
ENTRIES_SNIPPET = """
from search.models import SearchEntry
print("BENCH_ENTRIES", SearchEntry.objects.count())
"""

# wrk counts 3xx as success and has no per-status total, so this script counts non-200s itself
# in every thread and prints one JSON line from the main thread when the run is done.
WRK_SCRIPT = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non200")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_WRK {"requests": %d, "duration_us": %d, "bytes": %d, "non200": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, '
    .. '"p50_us": %.1f, "p95_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, bad,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50.0), latency:percentile(95.0)))
end
"""


@dataclass
class Result:
    url: str
    page: str = ""
    reader: str = ""
    target: float | None = None
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    error_kinds: dict = field(default_factory=dict)
    p50_ms: float | None = None
    p95_ms: float | None = None
    bytes_per_response: float | None = None
    warmup_errors: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- environment -----------------------------------------------------------------------------


def server_env(tmp: Path, database_url: str | None, conn_max_age: int | None,
               redis_url: str | None = None) -> dict:
    # Plain HTTP on loopback: secure cookies and HTTPS redirects would break the requests.
    # Tasks run in-process, so publishing the demo content indexes it even with a Redis broker.
    env = portal_env(tmp, database_url, SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0",
                     CSRF_COOKIE_SECURE="0", SECURE_HSTS_SECONDS="0",
                     CELERY_TASK_ALWAYS_EAGER="1",
                     # One load generator on one address: the portal's abuse limits would
                     # answer it with 429s; the benchmark measures pages, not the limiter.
                     SEARCH_RATE_LIMIT="1000000/s", SEARCH_API_RATE_LIMIT="1000000/s",
                     AUTOCOMPLETE_RATE_LIMIT="1000000/s")
    if redis_url:
        env["REDIS_URL"] = redis_url
    if conn_max_age is not None:
        env["DATABASE_CONN_MAX_AGE"] = str(conn_max_age)
    return env


def check_loopback_database(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        return
    if (parts.hostname or "") not in LOOPBACK_NAMES:
        raise SetupError(f"--database-url must point to a loopback host, not {parts.hostname!r}")


def ensure_postgres_database(url: str, recreate: bool) -> None:
    """Create the database named in a postgres:// URL if it is missing (or recreate it)."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql", "postgis"}:
        if recreate:
            raise SetupError("--recreate-database only works with PostgreSQL URLs")
        return
    try:
        import psycopg
        from psycopg import sql
    except ImportError as exc:  # pragma: no cover - psycopg is a project dependency
        raise SetupError("psycopg is needed to prepare a PostgreSQL database") from exc
    name = parts.path.lstrip("/")
    if not name:
        raise SetupError("--database-url has no database name")
    try:
        with psycopg.connect(**pg_connect_args(url)) as conn:
            if recreate:
                log(f"dropping database {name}")
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)))
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                log(f"creating database {name}")
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise SetupError(f"cannot prepare PostgreSQL database {name}: {exc}") from exc


def manage(env: dict, logfile: Path, *args: str, label: str = "") -> str:
    """Run manage.py with the bench environment; its output goes to logfile (and is returned)."""
    log("manage.py " + (label or " ".join(args)))
    proc = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
        check=False,
    )
    with logfile.open("a") as fh:
        fh.write(f"\n$ manage.py {' '.join(args)}\n{proc.stdout}{proc.stderr}")
    if proc.returncode != 0:
        raise SetupError(
            f"manage.py {' '.join(args)} failed (exit {proc.returncode}):\n"
            + "\n".join((proc.stdout + proc.stderr).splitlines()[-30:])
        )
    return proc.stdout


def prepare(env: dict, logfile: Path, items: int | None, search_items: int) -> dict:
    manage(env, logfile, "migrate", "--noinput")
    if items is None:
        manage(env, logfile, "load_demo_data", "--force")
    else:
        manage(env, logfile, "make_synthetic_library", "--items", str(items))
    manage(env, logfile, "collectstatic", "--noinput")
    if search_items:
        manage(env, logfile, "make_synthetic_library", "--items", str(search_items),
               "--index-only")
        out = manage(env, logfile, "shell", "-c", ENTRIES_SNIPPET, label="shell (search entries)")
        entries = int(out.split("BENCH_ENTRIES", 1)[1].split()[0])
    else:
        entries = None
    out = manage(env, logfile, "shell", "-c", READER_SNIPPET, label="shell (member session)")
    reader = json.loads(out.split("BENCH_READER ", 1)[1].splitlines()[0])
    out = manage(env, logfile, "shell", "-c", INFO_SNIPPET, label="shell (item URL, versions)")
    for line in out.splitlines():
        if line.startswith("BENCH_INFO "):
            info = json.loads(line[len("BENCH_INFO "):])
            break
    else:
        raise SetupError("could not read the item URL and versions from manage.py shell")
    if not info.get("item_url"):
        raise SetupError("no live TLP:CLEAR item after loading the data")
    # With several sites Wagtail returns an absolute URL: the bench only needs the path.
    info["item_path"] = urlsplit(info["item_url"]).path
    info["search_entries"] = entries
    info["member_cookie"], info["member_email"] = reader["cookie"], reader["email"]
    return info


# --- server ----------------------------------------------------------------------------------


def get(port: int, path: str, timeout: float = REQUEST_TIMEOUT,
        headers: dict | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


class Gunicorn:
    def __init__(self, env: dict, workers: int, logfile: Path, tmp: Path):
        self.env = env
        self.workers = workers
        self.logfile = logfile
        self.tmp = tmp
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.version = ""

    def command(self) -> list[str]:
        cmd = [
            sys.executable, "-m", "gunicorn", "portal.wsgi:application",
            "--bind", f"{HOST}:{self.port}",
            "--workers", str(self.workers),
            "--worker-class", "sync",
            "--timeout", "60",
            "--graceful-timeout", "5",
            "--log-level", "warning",
            "--chdir", str(ROOT),
        ]
        # gunicorn 24+ opens a control socket in ~/.gunicorn by default: keep it out of the way.
        help_text = subprocess.run(
            [sys.executable, "-m", "gunicorn", "--help"],
            capture_output=True, text=True, check=False, env=self.env,
        ).stdout
        if "--no-control-socket" in help_text:
            cmd.append("--no-control-socket")
        return cmd

    def start(self) -> None:
        from importlib.metadata import version

        self.version = version("gunicorn")
        cmd = self.command()
        log(f"starting gunicorn {self.version} with {self.workers} workers on {HOST}:{self.port}")
        self._log = self.logfile.open("a")
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SetupError(
                    f"gunicorn exited with {self.proc.returncode}:\n{tail(self.logfile)}")
            try:
                status, body = get(self.port, "/healthz/", timeout=2)
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)
                continue
            if status == 200 and body.strip() == b"ok":
                return
            raise SetupError(f"/healthz/ answered {status}: {body[:200]!r}")
        raise SetupError(f"gunicorn did not answer /healthz/ within 60 s:\n{tail(self.logfile)}")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            log("stopping gunicorn")
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                # The master did not stop its workers: end the whole group we started.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._log.close()
        self.proc = None


def static_headers(port: int) -> str:
    """How the home page's stylesheet is served: hashed name, caching, compression."""
    _status, body = get(port, "/")
    found = re.search(rb'href="(/static/[^"]+\.css)"', body)
    if not found:
        return "no stylesheet link on the home page"
    path = found.group(1).decode()
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip, br"})
        resp = conn.getresponse()
        resp.read()
        return (f"{path}: {resp.status}, Cache-Control {resp.getheader('Cache-Control')!r},"
                f" Content-Encoding {resp.getheader('Content-Encoding')!r}")
    finally:
        conn.close()


# --- load generators -------------------------------------------------------------------------


class PythonGenerator:
    """Threads, one keep-alive http.client connection each, against 127.0.0.1 only."""

    def __init__(self, concurrency: int):
        self.concurrency = concurrency
        self.name = f"built-in Python generator ({concurrency} threads, http.client)"

    def run(self, port: int, path: str, seconds: float, headers: dict | None = None) -> Result:
        deadline = time.perf_counter() + seconds
        outcomes: list[dict] = []
        lock = threading.Lock()

        def worker() -> None:
            latencies: list[float] = []
            statuses: dict[str, int] = {}
            count = nbytes = 0
            conn: http.client.HTTPConnection | None = None
            while time.perf_counter() < deadline:
                if conn is None:
                    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
                started = time.perf_counter()
                try:
                    conn.request("GET", path, headers=headers or {})
                    resp = conn.getresponse()
                    body = resp.read()
                except (OSError, http.client.HTTPException) as exc:
                    kind = type(exc).__name__
                    statuses[kind] = statuses.get(kind, 0) + 1
                    conn.close()
                    conn = None
                    time.sleep(0.01)
                    continue
                latencies.append(time.perf_counter() - started)
                count += 1
                nbytes += len(body) + len(str(resp.msg))  # like wrk: headers and body
                if resp.status != 200:
                    key = f"HTTP {resp.status}"
                    statuses[key] = statuses.get(key, 0) + 1
            if conn is not None:
                conn.close()
            with lock:
                outcomes.append(
                    {"latencies": latencies, "errors": statuses, "count": count, "bytes": nbytes})

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(self.concurrency)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + REQUEST_TIMEOUT + 5)
        elapsed = time.perf_counter() - started

        result = Result(url=path, seconds=elapsed)
        latencies: list[float] = []
        for outcome in outcomes:
            latencies.extend(outcome["latencies"])
            result.requests += outcome["count"]
            for kind, n in outcome["errors"].items():
                result.error_kinds[kind] = result.error_kinds.get(kind, 0) + n
        result.errors = sum(result.error_kinds.values())
        result.errors += len(threads) - len(outcomes)  # a thread that hung counts as an error
        latencies.sort()
        p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
        result.p50_ms = p50 * 1000 if p50 is not None else None
        result.p95_ms = p95 * 1000 if p95 is not None else None
        if result.requests:
            result.bytes_per_response = sum(o["bytes"] for o in outcomes) / result.requests
        return result


class WrkGenerator:
    def __init__(self, wrk: str, concurrency: int, threads: int, tmp: Path):
        self.wrk = wrk
        self.concurrency = concurrency
        self.threads = max(1, min(threads, concurrency))
        self.script = tmp / "bench.lua"
        self.script.write_text(WRK_SCRIPT)
        first = subprocess.run(
            [wrk, "--version"], capture_output=True, text=True, check=False
        ).stdout.splitlines()
        version = first[0].split("[")[0].strip() if first else "wrk"
        self.name = f"{version} ({self.threads} thread(s), {concurrency} connections)"

    def run(self, port: int, path: str, seconds: float, headers: dict | None = None) -> Result:
        url = f"http://{HOST}:{port}{path}"
        cmd = [
            self.wrk, "-t", str(self.threads), "-c", str(self.concurrency),
            "-d", f"{max(1, round(seconds))}s", "--timeout", f"{int(REQUEST_TIMEOUT)}s",
            "--latency", "-s", str(self.script),
        ]
        for name, value in (headers or {}).items():
            cmd += ["-H", f"{name}: {value}"]
        cmd.append(url)
        proc = subprocess.run(
            cmd, capture_output=True, text=True, check=False, timeout=seconds + 60)
        for line in proc.stdout.splitlines():
            if line.startswith("BENCH_WRK "):
                data = json.loads(line[len("BENCH_WRK "):])
                break
        else:
            raise SetupError(f"wrk failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
        result = Result(url=path, requests=data["requests"], seconds=data["duration_us"] / 1e6)
        kinds = {"HTTP non-200": data["non200"]}
        kinds.update({k: data[k] for k in ("connect", "read", "write", "timeout")})
        result.error_kinds = {k: v for k, v in kinds.items() if v}
        result.errors = sum(result.error_kinds.values())
        result.p50_ms = data["p50_us"] / 1000 if data["requests"] else None
        result.p95_ms = data["p95_us"] / 1000 if data["requests"] else None
        if data["requests"]:
            result.bytes_per_response = data["bytes"] / data["requests"]
        return result


# --- report ----------------------------------------------------------------------------------


def fmt_ms(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "n/a"


def report(results: list[Result], meta: dict) -> str:
    base = results[0].rps if results and results[0].rps else None
    lines = [
        "Portal pages per second (gunicorn on 127.0.0.1)",
        f"  CPUs            : {meta['cpus']}; load average before the run {meta['loadavg']}",
        f"  platform        : {meta['platform']}",
        f"  Python / Django : Python {meta['python']} / Django {meta['django']}"
        f" / Wagtail {meta['wagtail']}",
        f"  server          : gunicorn {meta['gunicorn']}, {meta['workers']} sync workers,"
        " DEBUG=0",
        f"  database        : {meta['database']}",
        f"  library         : {meta['library']} ({meta['live_items']} live items)",
        f"  cache           : {meta['cache']}",
        f"  signed in as    : {meta['member']} (a member: session cookie on every request)",
        f"  search index    : {meta['search_entries']} entries",
        f"  static files    : {meta['static']}",
        f"  load generator  : {meta['generator']}",
        f"  per URL         : {meta['warmup']} s warm-up, then {meta['seconds']} s measured,"
        f" concurrency {meta['concurrency']}",
        "",
    ]
    width = max(len("page"), *(len(r.page) for r in results))
    rwidth = max(len("reader"), *(len(r.reader) for r in results))
    header = (f"{'page':<{width}}  {'reader':<{rwidth}}  {'req/s':>8}  {'p50 ms':>7}"
              f"  {'p95 ms':>7}  {'errors':>6}  {'vs /healthz/':>12}  {'target':>13}  {'KiB':>5}"
              "  URL")
    lines += [header, "-" * max(len(header), len(header) - 3 + max(len(r.url) for r in results))]
    for r in results:
        ratio = f"{r.rps / base:.3f}" if base else "n/a"
        target = ""
        if r.target is not None and base:
            target = f">={r.target:.2f} {'PASS' if r.rps / base >= r.target else 'FAIL'}"
        size = f"{r.bytes_per_response / 1024:.1f}" if r.bytes_per_response else "n/a"
        lines.append(
            f"{r.page:<{width}}  {r.reader:<{rwidth}}  {r.rps:>8.1f}  {fmt_ms(r.p50_ms):>7}"
            f"  {fmt_ms(r.p95_ms):>7}  {r.errors:>6}  {ratio:>12}  {target:>13}  {size:>5}"
            f"  {r.url}")
    notes = []
    for r in results:
        if r.error_kinds:
            kinds = ", ".join(f"{k}: {v}" for k, v in sorted(r.error_kinds.items()))
            notes.append(f"  {r.url} errors: {kinds}")
        if r.warmup_errors:
            notes.append(f"  {r.url} had {r.warmup_errors} error(s) during warm-up")
    if meta.get("item_title"):
        notes.append(f"  item: {meta['item_title']!r} (first live TLP:CLEAR item)")
    return "\n".join(lines + ([""] + notes if notes else []))


# --- main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Pages per second for the portal under gunicorn (loopback only).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per URL")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up seconds per URL")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto",
                        help="load generator: wrk if on PATH (auto), or the built-in one")
    parser.add_argument("--wrk-threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--database-url", help="database to use instead of a fresh SQLite file")
    parser.add_argument("--recreate-database", action="store_true",
                        help="drop and recreate the --database-url PostgreSQL database first")
    parser.add_argument("--conn-max-age", type=int, default=None,
                        help="DATABASE_CONN_MAX_AGE for the server; None keeps the settings' 60")
    parser.add_argument("--redis-url",
                        help="Redis (loopback) for the cache; its database is emptied first")
    parser.add_argument("--search-items", type=int, default=10_000,
                        help="fill the search index up to this many entries (0: as loaded)")
    parser.add_argument("--url", action="append", default=[], metavar="PATH",
                        help="also measure this path (repeatable), e.g. /standards/")
    parser.add_argument("--items", type=int, default=None,
                        help="a synthetic library of this many items instead of the demo data")
    parser.add_argument("--tiny", action="store_true",
                        help="a smoke run: 12 synthetic items, 1 worker, 0.5 s per URL")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.tiny:
        args.items, args.search_items, args.workers, args.concurrency = 12, 0, 1, 2
        args.seconds, args.warmup = 0.5, 0
    if args.items is not None and not 1 <= args.items <= 1_000_000:
        parser.error("--items must be between 1 and 1000000")
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        parser.error(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be more than 0 and at most {MAX_SECONDS}")
    if not 0 <= args.warmup <= MAX_SECONDS:
        parser.error(f"--warmup must be between 0 and {MAX_SECONDS}")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.wrk_threads < 1:
        parser.error("--wrk-threads must be at least 1")
    for path in args.url:
        if not path.startswith("/") or path.startswith("//"):
            parser.error(f"--url takes a path on the bench server, like /standards/, not {path!r}")
    if args.recreate_database and not args.database_url:
        parser.error("--recreate-database needs --database-url")
    return args


def choose_generator(args: argparse.Namespace, tmp: Path):
    wrk = shutil.which("wrk")
    if args.generator == "wrk" and not wrk:
        raise SetupError("--generator wrk, but wrk is not on PATH (apt-get install wrk)")
    if args.generator in {"auto", "wrk"} and wrk:
        return WrkGenerator(wrk, args.concurrency, args.wrk_threads, tmp)
    return PythonGenerator(args.concurrency)


def benchmark(args: argparse.Namespace, tmp: Path) -> int:
    loadavg = load_average() + " (1/5/15 min)"  # other work on the machine skews numbers
    logfile = tmp / "bench.log"
    if args.database_url:
        check_loopback_database(args.database_url)
        ensure_postgres_database(args.database_url, args.recreate_database)
    if args.redis_url:
        check_loopback_database(args.redis_url)
    env = server_env(tmp, args.database_url, args.conn_max_age, args.redis_url)
    info = prepare(env, logfile, args.items, args.search_items)
    generator = choose_generator(args, tmp)

    server = Gunicorn(env, args.workers, tmp / "gunicorn.log", tmp)
    results: list[Result] = []
    try:
        server.start()
        static = static_headers(server.port)
        member = {"Cookie": info["member_cookie"]}
        pages = [("healthz (baseline)", "", "/healthz/", None)]
        for reader, headers in (("anonymous", None), ("member", member)):
            pages += [("home", reader, "/", headers), ("library", reader, "/guidance/", headers),
                      ("item (TLP:CLEAR)", reader, info["item_path"], headers),
                      ("search", reader, SEARCH_PATH, headers)]
            pages += [("extra", reader, path, headers) for path in args.url]
        for page, reader, path, headers in pages:
            status, body = get(server.port, path, headers=headers)
            if status != 200:
                log(f"{path} answered {status} before the run ({len(body)} bytes)")
            elif headers and info["member_email"].encode() not in body:
                raise SetupError(f"{path}: the member's session did not sign them in")
            if args.warmup > 0:
                log(f"{path} ({reader or 'baseline'}): {args.warmup:g} s warm-up")
                warm = generator.run(server.port, path, args.warmup, headers)
            log(f"{path} ({reader or 'baseline'}): {args.seconds:g} s measured")
            result = generator.run(server.port, path, args.seconds, headers)
            if args.warmup > 0:
                result.warmup_errors = warm.errors
            result.page, result.reader = page, reader
            result.target = TARGETS.get((page.split()[0], reader))
            results.append(result)
    finally:
        server.stop()

    if args.database_url:
        database = f"{info['database']} at {redact(args.database_url)}"
    else:
        database = f"{info['database']} (fresh file in a temporary PORTAL_VAR_DIR)"
    meta = {
        "cpus": cpu_description(),
        "loadavg": loadavg,
        "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
        "django": info["django"],
        "wagtail": info["wagtail"],
        "gunicorn": server.version,
        "workers": args.workers,
        "database": database,
        "cache": (f"Redis at {redact(args.redis_url)}" if args.redis_url
                  else "local memory, per gunicorn worker"),
        "member": info["member_email"],
        "static": static,
        "search_entries": f"{info['search_entries']:,}" if info["search_entries"] else "as loaded",
        "generator": generator.name,
        "library": "synthetic (make_synthetic_library)" if args.items else "the demo data",
        "live_items": info["live_items"],
        "warmup": f"{args.warmup:g}",
        "seconds": f"{args.seconds:g}",
        "concurrency": args.concurrency,
        "item_title": info.get("item_title"),
    }
    print(report(results, meta), flush=True)
    server_errors = len(re.findall(r"^(Traceback|.*\bERROR\b)", tail(tmp / "gunicorn.log", 10_000),
                                   flags=re.MULTILINE))
    if server_errors:
        where = tmp / "gunicorn.log" if args.keep else "it (rerun with --keep)"
        print(f"\nThe server log has {server_errors} error line(s): read {where}.")
    if args.json:
        args.json.write_text(json.dumps(
            {"meta": meta, "results": [asdict(r) | {"rps": r.rps} for r in results]}, indent=2))
    failed = any(r.errors or r.warmup_errors for r in results)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A SIGTERM unwinds like Ctrl+C, so gunicorn is stopped and the temp directory removed.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    tmp = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    try:
        return benchmark(args, tmp)
    except SetupError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
