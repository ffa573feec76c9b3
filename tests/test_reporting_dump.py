"""A copy of the database and of the media folder reveals nothing of a report: after a report
with a marker in every field and file, a reply, a note and a reporter's message, neither a
``pg_dump`` of the whole database nor any file under MEDIA_ROOT holds any marker (as text or as
hex, the way PostgreSQL dumps binary columns)."""

import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.conftest import skip_or_fail
from tests.reporting_world import MARKERS, build


def forms_of(marker: str) -> list[bytes]:
    raw = marker.encode()
    return [raw, raw.hex().encode(), marker.upper().encode()]


def test_a_database_dump_and_the_media_folder_hold_no_marker(fresh_world):
    if connection.vendor != "postgresql":
        skip_or_fail("the dump test needs PostgreSQL (set DATABASE_URL)")
    if shutil.which("pg_dump") is None:
        skip_or_fail("pg_dump is not installed")
    rw = build(fresh_world)
    # Positive control: the handler reads every marker back, so they were really stored.
    page = rw.unlocked_client().get(reverse("reporting:case", args=[rw.report.pk]))
    for name in ("what", "when", "contact", "reply", "note", "reporter_message"):
        assert MARKERS[name] in page.content.decode(), name

    db = connection.settings_dict
    command = ["pg_dump", "--no-owner", "--host", db["HOST"] or "127.0.0.1",
               "--port", str(db["PORT"] or 5432), "--username", db["USER"] or "postgres",
               db["NAME"]]
    dump = subprocess.run(command, capture_output=True, check=True, timeout=300,
                          env={"PGPASSWORD": db.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
                          ).stdout
    # The dump is real and complete: it holds the report's clear fields and its ciphertext.
    assert b"COPY public.reporting_report" in dump
    assert rw.report.category.encode() in dump
    assert b"handler@source.test" in dump
    found = [name for name, marker in MARKERS.items() if any(f in dump for f in forms_of(marker))]
    assert found == []

    media = Path(settings.MEDIA_ROOT)
    files = [path for path in media.rglob("*") if path.is_file()]
    blobs = {Path(a.blob.path) for a in rw.report.attachments.all()}
    assert blobs and blobs <= set(files)
    in_files = [(path.name, name) for path in files for name, marker in MARKERS.items()
                if any(f in path.read_bytes() for f in forms_of(marker))
                or marker in str(path)]
    assert in_files == []
