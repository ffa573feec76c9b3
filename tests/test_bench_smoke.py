"""Each benchmark runs once at its tiny size, so a change that breaks one fails here rather
than on the day someone wants its figures. Figures from these runs mean nothing."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# module, arguments, what its figures table must show
BENCHMARKS = {
    "bench.pages": (["--tiny"], [r"^Portal pages per second",
                                 r"^home\s+anonymous\s+\d+\.\d\s",
                                 r"^item \(TLP:CLEAR\)\s+member\s+\d+\.\d\s"]),
    "bench.search": (["--tiny", "--database", "sqlite"],
                     [r"^Portal search: latency and indexing", r"^SQLite\s+200\s+\d+\s+\d",
                      r"^p95 ms by kind"]),
    "bench.digests": (["--tiny", "--database", "sqlite"],
                      [r"^Portal digests: one daily run", r"^A digest run\s+\d+\.\d+\s+\d",
                       r"^message counts: agree"]),
    # The judged queries run on the demo library itself: its smallest size is the real one.
    "bench.relevance": (["--database", "sqlite", "--show", "none"],
                        [r"^SQLite\s+\d\.\d+\s+\d+%"]),
}


@pytest.mark.bench
def test_every_benchmark_runs_at_its_tiny_size():
    # Side by side: each spends most of its time in its own start-up and migrations.
    running = {
        module: subprocess.Popen(
            [sys.executable, "-m", module, *args], cwd=ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        for module, (args, _patterns) in BENCHMARKS.items()
    }
    failures = []
    for module, process in running.items():
        try:
            out, err = process.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
            failures.append(f"{module} did not finish in 10 minutes:\n{err[-3000:]}")
            continue
        if process.returncode != 0:
            failures.append(f"{module} exited {process.returncode}:\n{out[-2000:]}\n{err[-3000:]}")
            continue
        missing = [p for p in BENCHMARKS[module][1] if not re.search(p, out, re.MULTILINE)]
        if missing:
            failures.append(f"{module} printed no figures matching {missing}:\n{out[-3000:]}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.bench
def test_the_standards_benchmark_runs_at_its_tiny_size():
    """bench.standards measures PostgreSQL only; it runs where PostgreSQL is configured."""
    import os
    from urllib.parse import urlsplit, urlunsplit

    from tests.conftest import skip_or_fail

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        skip_or_fail("bench.standards needs PostgreSQL (set DATABASE_URL)")
    parts = urlsplit(url)
    bench_url = urlunsplit((parts.scheme, parts.netloc, "/portal_bench_standards_smoke", "", ""))
    process = subprocess.run(
        [sys.executable, "-m", "bench.standards", "--tiny", "--database-url", bench_url],
        cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600,
        check=False)
    assert process.returncode == 0, f"{process.stdout[-2000:]}\n{process.stderr[-3000:]}"
    assert re.search(r"^Standards pages: 5 clauses, 12 assessed organisations",
                     process.stdout, re.MULTILINE), process.stdout[-2000:]
    assert re.search(r"^uptake figures computed without the cache", process.stdout,
                     re.MULTILINE), process.stdout[-2000:]


@pytest.mark.bench
def test_the_recipients_benchmark_runs_at_its_tiny_size():
    """bench.recipients measures PostgreSQL only (trigram indexes); it runs where PostgreSQL is
    configured."""
    import os
    from urllib.parse import urlsplit, urlunsplit

    from tests.conftest import skip_or_fail

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        skip_or_fail("bench.recipients needs PostgreSQL (set DATABASE_URL)")
    parts = urlsplit(url)
    bench_url = urlunsplit((parts.scheme, parts.netloc, "/portal_bench_recipients_smoke", "", ""))
    process = subprocess.run(
        [sys.executable, "-m", "bench.recipients", "--tiny", "--database-url", bench_url],
        cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600,
        check=False)
    assert process.returncode == 0, f"{process.stdout[-2000:]}\n{process.stderr[-3000:]}"
    assert re.search(r"^Recipient search: 200 people in 10 organisations", process.stdout,
                     re.MULTILINE), process.stdout[-2000:]
    assert re.search(r"^two words\s+1\s+\d+\.\d\s", process.stdout,
                     re.MULTILINE), process.stdout[-2000:]
    assert re.search(r"^trigram index for an email fragment: people_email_trgm$",
                     process.stdout, re.MULTILINE), process.stdout[-2000:]
