"""Settings, deployment checks and demo data."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cms import bootstrap
from cms.demo import loader
from cms.models import ItemPage, LibraryPage
from cms.models.items import ITEM_TYPES
from portal.core.tlp import TLP
from tests.world import ensure_wagtail_roots

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
                          "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"}}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**clean, **env}, timeout=120)


def test_production_settings_pass_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                        SECRET_KEY="k" * 20 + "-Zx9$Qw!rT7#pL2&vB5*nM8^hJ4@cF6%", DEBUG="0",
                        ALLOWED_HOSTS="portal.example.org")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_secret_key_is_required_without_debug():
    result = run_manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_bad_boolean_settings_are_refused():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a yes/no value" in result.stderr


@pytest.mark.django_db
def test_demo_data_refuses_to_load_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only loads with DEBUG on"):
        call_command("load_demo_data")


def test_demo_library_covers_every_type_label_and_topic():
    items = loader.items()
    assert len(items) == 44
    assert {item["type"] for item in items} == {cls.type_slug for cls in ITEM_TYPES}
    assert {item["tlp"] for item in items} == {label.value for label in TLP}
    topics = {row["slug"] for row in bootstrap.taxonomy()["topics"]}
    assert {t for item in items for t in item["topics"]} == topics
    audiences = {row["slug"] for row in bootstrap.taxonomy()["audiences"]}
    assert {a for item in items for a in item["audiences"]} <= audiences
    organisations = {row["slug"] for row in loader.organisations()}
    assert {item["org"] for item in items} <= organisations
    _password, people = loader.people()
    emails = {person["email"] for person in people}
    assert {e for item in items for e in item.get("recipient_users", [])} <= emails


def test_a_demo_item_file_with_an_unknown_field_is_refused(tmp_path):
    folder = tmp_path / "guidance"
    folder.mkdir()
    (folder / "an-item.toml").write_text(
        'title = "T"\norg = "o"\ntlp = "clear"\nsummary = "S"\ntopics = []\n'
        'audiences = []\ndays_ago = 1\nbdy = []\n')
    refusal = r"an-item.toml: missing \[\], unknown \[.bdy.\]"
    with pytest.raises(loader.DemoDataError, match=refusal):
        loader.items(tmp_path)
    (folder / "an-item.toml").write_text('title = "unterminated\n')
    with pytest.raises(loader.DemoDataError, match="an-item.toml"):
        loader.items(tmp_path)


@pytest.mark.django_db(transaction=True)
def test_the_bootstrap_builds_the_bare_site_once():
    call_command("flush", interactive=False, verbosity=0)
    ensure_wagtail_roots()
    out = StringIO()
    call_command("bootstrap_site", stdout=out)
    assert "7 pages created" in out.getvalue()  # home, four libraries, topics, organisations
    assert set(LibraryPage.objects.values_list("item_type", flat=True)) == {
        cls.type_slug for cls in ITEM_TYPES}
    assert ItemPage.objects.count() == 0
    assert get_user_model().objects.count() == 0
    out = StringIO()
    call_command("bootstrap_site", stdout=out)
    assert "0 pages created" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_demo_data_loads_and_reloads_idempotently(settings, wagtail_roots):
    settings.DEBUG = True
    items = loader.items()
    demo_items = ItemPage.objects.live().filter(slug__in=[item["slug"] for item in items])
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    assert demo_items.count() == len(items) == 44
    _password, people = loader.people()
    assert all(person["email"] in out.getvalue() for person in people)  # the sign-ins are printed
    before = (ItemPage.objects.count(), get_user_model().objects.count())
    call_command("load_demo_data", stdout=StringIO())
    assert (ItemPage.objects.count(), get_user_model().objects.count()) == before


@pytest.mark.django_db
def test_the_synthetic_library_grows_to_the_totals_asked_for():
    from search.models import SearchEntry

    def grow(*args):
        out = StringIO()
        call_command("make_synthetic_library", *args, stdout=out)
        return out.getvalue()

    assert "6 items added, 6 in all" in grow("--items", "6", "--organisations", "2",
                                             "--people", "3")
    pages = ItemPage.objects.live().filter(slug__startswith="synthetic-item-")
    assert pages.count() == 6
    assert SearchEntry.objects.filter(pk__in=pages.values("pk")).count() == 6  # indexed now
    assert {page.source_organisation.name for page in pages} <= {
        "Synthetic Harbourline Security", "Synthetic Northbridge Cyber Office"}
    assert "0 items added, 6 in all" in grow("--items", "6", "--organisations", "2",
                                             "--people", "3")
    assert pages.count() == 6

    before = SearchEntry.objects.count()
    assert "50 index entries added" in grow("--items", "50", "--index-only")
    assert SearchEntry.objects.count() == before + 50
    assert "0 index entries added" in grow("--items", "50", "--index-only")
    assert SearchEntry.objects.count() == before + 50


def test_the_synthetic_library_refuses_impossible_sizes():
    with pytest.raises(CommandError, match="--items must be between"):
        call_command("make_synthetic_library", "--items", "-1")
