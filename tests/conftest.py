import os

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from cms.models import ItemPage, Topic
from portal.core.organisations.models import Organisation
from portal.core.tlp import TLP
from tests.world import ROLES, World, build_world, ensure_wagtail_roots, title_for

REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason):
    """Missing services skip locally and fail where they are required (CI)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (required here: PORTAL_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache (search caches vocabularies, Wagtail site roots)."""
    cache.clear()


@pytest.fixture
def rate_limit_clock(monkeypatch):
    """Rate limits count in fixed windows; any window, even a day, can end between two requests
    (at midnight for a day). Tests that exhaust a limit read the time from this stopped clock,
    in the middle of a day."""
    from types import SimpleNamespace

    from portal.core.security import ratelimit

    noon = 1_800_014_400  # 15 January 2027, 12:00 UTC
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: noon))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the shared access-test world once; each test runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        build_world()


@pytest.fixture
def world(db):
    """Handles on the world built once per session."""
    w = World()
    w.orgs = {key: Organisation.objects.get(name=f"{key.title()} Org")
              for key in ("source", "recipient", "other")}
    w.users = {role: get_user_model().objects.get(email=f"{role}@world.test")
               for role in ROLES if role != "anonymous"}
    w.items = {label: ItemPage.objects.get(title=title_for(label)).specific for label in TLP}
    w.documents = {label: w.items[label].attachments.get().document for label in TLP}
    w.topic = Topic.objects.get(slug="supply-chain")
    return w


@pytest.fixture
def wagtail_roots(transactional_db):
    """For transactional tests: earlier ones may have flushed Wagtail's migration-made rows."""
    ensure_wagtail_roots()


@pytest.fixture
def fresh_world(transactional_db):
    """A world built afresh, for tests whose database is not rolled back (live server)."""
    call_command("flush", interactive=False, verbosity=0)
    return build_world()


@pytest.fixture
def client_for(client, world):
    """A test client signed in as one of the world's roles (or anonymous)."""

    def make(role):
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        return client

    return make


@pytest.fixture
def celery_worker_on_redis(transactional_db):
    """A real Celery worker, in a thread of this process, consuming from the real Redis."""
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        skip_or_fail("Redis is not available (set REDIS_URL)")
    if connection.vendor != "postgresql":
        # The worker is a second thread writing to the database; SQLite's shared in-memory
        # test database locks whole tables against that, so these run on PostgreSQL.
        skip_or_fail("a real worker needs PostgreSQL (set DATABASE_URL)")
    previous = {key: app.conf[key] for key in ("broker_url", "task_always_eager",
                                                "task_default_queue")}
    queue = f"portal-tests-{os.getpid()}"
    app.conf.update(broker_url=redis_url, task_always_eager=False, task_default_queue=queue)
    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1)
    except Exception as error:  # noqa: BLE001 - any connection failure means "not available"
        app.conf.update(previous)
        skip_or_fail(f"Redis at {redis_url} does not answer: {error}")
    try:
        with start_worker(app, queues=[queue], perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=10):
            yield app
    finally:
        app.conf.update(previous)
