"""What the benchmark scripts share: where things are, which settings they keep out of the
environment, and small helpers for reporting the machine they ran on."""

from __future__ import annotations

import os
import secrets
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1", "[::1]", ""}
SEED = 20250601

# Settings the portal reads from the environment: none leaks in from the caller's shell.
PORTAL_SETTINGS_ENV = [
    "ALLOWED_HOSTS", "CELERY_TASK_ALWAYS_EAGER", "CSRF_COOKIE_SECURE", "CSRF_TRUSTED_ORIGINS",
    "DATABASE_CONN_MAX_AGE", "DATABASE_URL", "DEBUG", "DEFAULT_FROM_EMAIL", "DIGEST_RETRY_BACKOFF",
    "ELASTICSEARCH_INDEX", "ELASTICSEARCH_URL", "EMAIL_BACKEND", "EMAIL_HOST",
    "EMAIL_HOST_PASSWORD", "EMAIL_HOST_USER", "EMAIL_PORT", "EMAIL_USE_SSL", "EMAIL_USE_TLS",
    "LOG_LEVEL", "MEDIA_ROOT", "PORTAL_BASE_URL", "PORTAL_VAR_DIR", "REDIS_URL",
    "SEARCH_BACKEND", "SEARCH_EXACT_COUNT_LIMIT", "SEARCH_SAMPLE_SIZE",
    "SECRET_KEY", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SERVER_EMAIL", "SESSION_COOKIE_SECURE",
    "STATIC_ROOT", "USE_X_FORWARDED_PROTO", "DJANGO_SETTINGS_MODULE",
]


def portal_env(tmp: Path, database_url: str | None = None, **overrides: str) -> dict:
    """The caller's environment without any portal setting, plus production-like settings for a
    throwaway run in ``tmp``; ``overrides`` add or replace settings."""
    env = {k: v for k, v in os.environ.items() if k not in PORTAL_SETTINGS_ENV}
    env.update({
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PORTAL_VAR_DIR": str(tmp / "var"),
        "MEDIA_ROOT": str(tmp / "var" / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "SEARCH_BACKEND": "database",
        # Nothing may leave the machine: e-mail stays in memory unless a script says otherwise.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONUNBUFFERED": "1",
        **overrides,
    })
    if database_url:
        env["DATABASE_URL"] = database_url
    (tmp / "var").mkdir(parents=True, exist_ok=True)
    return env


def setup_in_process(tmp: Path, database_url: str, **overrides: str) -> None:
    """Django in this process with production-like settings, answering a test client over
    plain HTTP (``bench.standards``, ``bench.recipients``)."""
    env = portal_env(tmp, database_url, SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0",
                     CSRF_COOKIE_SECURE="0", SECURE_HSTS_SECONDS="0",
                     ALLOWED_HOSTS="testserver,127.0.0.1", **overrides)
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()


def time_requests(send, requests: int, check) -> tuple[dict, object]:
    """Call ``send()`` ``requests`` times and hand each answer to ``check`` (which raises
    SetupError on a wrong one). Returns the wall-clock and CPU milliseconds (p50, p95, max),
    the queries of one request, and what ``check`` said of the last answer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, cpu = [], []
    queries, checked = 0, None
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = send()
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        queries = len(captured)
        checked = check(response)
    timings.sort()
    cpu.sort()
    return {"p50_ms": round(percentile(timings, 50), 1),
            "p95_ms": round(percentile(timings, 95), 1), "max_ms": round(timings[-1], 1),
            "cpu_p50_ms": round(percentile(cpu, 50), 1),
            "cpu_p95_ms": round(percentile(cpu, 95), 1), "queries": queries}, checked


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def redact(url: str) -> str:
    """The URL with any password masked, for printing."""
    parts = urlsplit(url)
    if parts.password:
        return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()
    return url


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def percentile(sorted_values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(0, min(len(sorted_values) - 1, round(pct / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except (AttributeError, OSError):  # pragma: no cover - not on Unix
        return "n/a"


def cpu_description() -> str:
    total = os.cpu_count() or 0
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        usable = total
    return f"{total}" if usable == total else f"{total} ({usable} usable by this process)"


class SetupError(Exception):
    """The environment (or the server under test) could not be prepared."""


def pg_name(url: str) -> str:
    """The database named in a PostgreSQL URL."""
    return urlsplit(url).path.lstrip("/")


def pg_connect_args(url: str) -> dict:
    """psycopg connection arguments for the server of ``url``, on its maintenance database."""
    parts = urlsplit(url)
    args = {"host": parts.hostname or None, "port": parts.port or 5432,
            "user": parts.username or None, "password": parts.password or None,
            "dbname": "postgres", "autocommit": True, "connect_timeout": 10}
    return {k: v for k, v in args.items() if v is not None}


def pg_recreate(url: str, create: bool = True) -> None:
    """Drop the database of ``url`` if it exists and (unless create=False) create it afresh."""
    try:
        import psycopg
        from psycopg import sql
    except ImportError as exc:  # pragma: no cover - psycopg is a project dependency
        raise SetupError("psycopg is needed for PostgreSQL") from exc
    name = pg_name(url)
    try:
        with psycopg.connect(**pg_connect_args(url)) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
            if create:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise SetupError(f"cannot prepare PostgreSQL database {name}: {exc}") from exc
