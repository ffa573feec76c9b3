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
    "bench.pages": (["--tiny"], [r"^Portal pages per second", r"^home\s+\d+\.\d\s",
                                 r"^item \(TLP:CLEAR\)\s+\d+\.\d\s"]),
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
