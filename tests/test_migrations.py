"""The migrations upgrade and roll back a database that holds data, on the suite's database
engine: PostgreSQL in the main run, SQLite in bin/test's SQLite run (and locally without
PostgreSQL).

The suite's own database is built once per session and never changes schema, so the test makes
a scratch database of its own and drives ``manage.py`` against it in subprocesses: it migrates
to the latest state, loads the demo data, rolls the apps whose migrations rename or move data
back to an older release, checks the data there in the old columns, upgrades again and checks
that nothing was lost or changed.

On PostgreSQL it creates and drops a ``portal_migtest_*`` database on the server that
DATABASE_URL names, so that role needs the right to create databases.
"""

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.migration_probe import OLD_RELEASE, TITLE

ROOT = Path(__file__).resolve().parent.parent


def portal_env(database_url, var_dir):
    """The environment the portal needs, and nothing of the test run's own."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
           if name in os.environ}
    env.update(PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="portal.settings", DEBUG="1",
               DATABASE_URL=database_url, PORTAL_VAR_DIR=str(var_dir),
               ALLOWED_HOSTS="testserver", LOG_LEVEL="WARNING")
    return env


class Portal:
    """manage.py against the scratch database, each command in a process of its own."""

    def __init__(self, env):
        self.env = env
        self.timings = []

    def manage(self, *args, label=""):
        started = time.monotonic()
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                timeout=600, check=False)
        label = label or " ".join(args[:2])
        self.timings.append((label, round(time.monotonic() - started, 1)))
        assert result.returncode == 0, (
            f"manage.py {label} exited {result.returncode}:\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-6000:]}")
        return result.stdout

    def state(self, probe):
        out = self.manage("shell", "--no-imports", "-c",
                          f"from tests.migration_probe import {probe}; {probe}()", label=probe)
        lines = [line for line in out.splitlines() if line.startswith("STATE ")]
        assert len(lines) == 1, out[-3000:]
        return json.loads(lines[0].removeprefix("STATE "))


def assert_search_finds_the_item(state):
    """The API and the page find the item through filters on both renamed columns, and the
    filters keep everything else out."""
    status, hits = state["api"]
    assert status == 200 and [TITLE, "standards", "Trade body"] in hits
    assert {(item_type, org_type) for _title, item_type, org_type in hits} == {
        ("standards", "Trade body")}
    assert state["page"] == [200, True]


def round_trips(env):
    portal = Portal(env)
    portal.manage("migrate", "--no-input", "-v", "0")
    portal.manage("load_demo_data")
    before = portal.state("latest")

    # The demo data is there to be carried: organisations of every type, the library indexed
    # with both renamed columns filled, the known item found, four-eyes workflows.
    assert len(before["organisations"]) >= 8
    assert set(before["organisations"].values()) == {
        "government", "industry", "academia", "civil_society", "trade_body"}
    assert before["items"] >= 44 and len(before["entries"]) >= 44
    assert all(item_type and organisation_type
               for item_type, organisation_type, _topics, _audiences
               in before["entries"].values())
    assert any(topics for _type, _org_type, topics, _audiences in before["entries"].values())
    assert_search_finds_the_item(before)
    assert before["workflows"] and all(
        [name for name, _groups in steps] == ["FourEyesApprovalTask"] and steps[0][1]
        for steps in before["workflows"].values())

    old = portal.state("roll_back")
    for app, name in OLD_RELEASE:
        assert old["applied"][app] == name
    assert old["organisations"] == before["organisations"]
    assert old["items"] == before["items"]
    assert old["entries"] == {pk: entry[:2] for pk, entry in before["entries"].items()}
    # The older release's workflows approve with Wagtail's own group approval task.
    assert old["workflows"] == {
        page_id: [["wagtailcore.groupapprovaltask", True, groups] for _name, groups in steps]
        for page_id, steps in before["workflows"].items()}

    portal.manage("migrate", "--no-input", "-v", "0")
    after = portal.state("latest")
    assert after["organisations"] == before["organisations"]
    assert after["items"] == before["items"]
    assert after["entries"] == before["entries"]
    assert_search_finds_the_item(after)
    assert after["workflows"] == before["workflows"]
    # Seen with -s (or -rP): where the time goes.
    print("seconds:", ", ".join(f"{step} {seconds}" for step, seconds in portal.timings))


def test_migrations_upgrade_and_roll_back_a_database_holding_data(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        round_trips(portal_env(f"sqlite:///{tmp_path / 'portal.sqlite3'}", tmp_path / "var"))
        return
    import psycopg

    parts = urlsplit(url)
    name = f"portal_migtest_{secrets.token_hex(4)}"
    server = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        scratch = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
        round_trips(portal_env(scratch, tmp_path / "var"))
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
