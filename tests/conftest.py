import os

import pytest
from django.contrib.auth import get_user_model

from cms.models import ItemPage, Topic
from portal.organisations.models import Organisation
from portal.tlp import TLP
from tests.world import ROLES, World, build_world, title_for

REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason):
    """Missing services skip locally and fail where they are required (CI)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (required here: PORTAL_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


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
def client_for(client, world):
    """A test client signed in as one of the world's roles (or anonymous)."""

    def make(role):
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        return client

    return make
