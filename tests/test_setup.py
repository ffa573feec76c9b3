"""Settings, deployment checks and demo data."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cms.demo.items import ITEMS
from cms.demo.people import USERS
from cms.models import ItemPage
from portal.core.tlp import TLP

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
    from cms.demo.people import TOPICS

    assert len(ITEMS) >= 40
    assert {item["type"] for item in ITEMS} == {"guidance", "case_study", "standard", "scenario"}
    assert {item["tlp"] for item in ITEMS} == {label.value for label in TLP}
    assert {t for item in ITEMS for t in item["topics"]} == {slug for slug, *_ in TOPICS}


@pytest.mark.django_db(transaction=True)
def test_demo_data_loads_and_reloads_idempotently(settings, wagtail_roots):
    settings.DEBUG = True
    demo_items = ItemPage.objects.live().filter(slug__in=[item["slug"] for item in ITEMS])
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    assert demo_items.count() == len(ITEMS)
    assert all(email in out.getvalue() for email, *_ in USERS)  # the sign-ins are printed
    before = (ItemPage.objects.count(), get_user_model().objects.count())
    call_command("load_demo_data", stdout=StringIO())
    assert (ItemPage.objects.count(), get_user_model().objects.count()) == before
