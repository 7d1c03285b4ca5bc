"""Backups that restore: the demo's database and files written to one archive by `manage.py
backup`, brought back by `manage.py restore` into an empty database and folder, and found
identical; a damaged archive is named as damaged. The commands run as an operator runs them, in
their own processes, against the test database."""

import datetime as dt
import io
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection

DEMO_DAY = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db(transaction=True)


def _url(name: str) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    base = connection.settings_dict
    return f"postgres://{base['USER']}@{base['HOST'] or '127.0.0.1'}:{base['PORT'] or 5432}/{name}"


def manage(*args: str, database: str, media: Path) -> subprocess.CompletedProcess:
    env = os.environ | {"DATABASE_URL": _url(database), "DJANGO_MEDIA_ROOT": str(media)}
    return subprocess.run(  # noqa: S603 - the project's own manage.py
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def demo(settings):
    """The demo loaded into the test database, plus a stored file in a nested folder (evidence,
    cards and exports live in such folders)."""
    with time_machine.travel(DEMO_DAY, tick=False):
        call_command("load_demo", stdout=io.StringIO())
    scan = Path(settings.MEDIA_ROOT) / "archive" / "2025" / "скан протокола.pdf"
    scan.parent.mkdir(parents=True, exist_ok=True)
    scan.write_bytes(b"%PDF-1.4 scanned original\n" + bytes(range(256)))
    return {"database": connection.settings_dict["NAME"], "media": Path(settings.MEDIA_ROOT)}


@pytest.fixture
def empty_database(tmp_path):
    """A second, empty database beside the test one (its name); dropped afterwards."""
    if connection.vendor == "sqlite":
        yield str(tmp_path / "restored.sqlite3")
        return
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:6]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rows(database: str) -> dict[str, list]:
    """Every table of the project's models, row by row, as the database holds it."""
    tables = sorted({model._meta.db_table for model in apps.get_models(include_auto_created=True)})
    if connection.vendor == "sqlite":
        raw = sqlite3.connect(database)
        try:
            return {t: raw.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}  # noqa: S608
        finally:
            raw.close()
    import psycopg

    base = connection.settings_dict
    with psycopg.connect(
        host=base["HOST"] or "127.0.0.1", port=base["PORT"] or 5432, user=base["USER"], dbname=database
    ) as raw:
        return {t: raw.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}  # noqa: S608


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


def test_a_backup_of_the_demo_restores_every_table_and_file(demo, empty_database, tmp_path):
    archive = tmp_path / "nightly.tar.gz"
    original = _rows(demo["database"])  # the backup registers itself after its snapshot
    made = manage("backup", str(archive), database=demo["database"], media=demo["media"])
    assert made.returncode == 0 and "Резервная копия записана" in made.stdout, made.stderr
    checked = manage("verify_backup", str(archive), database=demo["database"], media=demo["media"])
    assert checked.returncode == 0 and "Резервная копия цела" in checked.stdout, checked.stderr
    restored_media = tmp_path / "restored-media"
    restored = manage("restore", str(archive), database=empty_database, media=restored_media)
    assert restored.returncode == 0, restored.stderr
    assert sum(len(rows) for rows in original.values()) > 5_000  # the demo, not an empty shell
    assert _rows(empty_database) == original
    assert _files(restored_media) == _files(demo["media"])


def test_one_corrupted_byte_is_named(demo, tmp_path):
    archive = tmp_path / "nightly.tar.gz"
    assert manage("backup", str(archive), database=demo["database"], media=demo["media"]).returncode == 0
    damaged = bytearray(archive.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    archive.write_bytes(bytes(damaged))
    checked = manage("verify_backup", str(archive), database=demo["database"], media=demo["media"])
    assert checked.returncode == 1 and "Резервная копия повреждена" in checked.stderr


def test_restore_refuses_a_database_or_folder_that_is_not_empty(demo, empty_database, tmp_path):
    archive = tmp_path / "nightly.tar.gz"
    assert manage("backup", str(archive), database=demo["database"], media=demo["media"]).returncode == 0
    refused = manage("restore", str(archive), database=demo["database"], media=tmp_path / "empty")
    assert refused.returncode == 1 and "База данных не пуста" in refused.stderr
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "left.txt").write_text("x")
    refused = manage("restore", str(archive), database=empty_database, media=occupied)
    assert refused.returncode == 1 and "не пуста" in refused.stderr


def test_a_backup_never_overwrites_a_file(demo, tmp_path):
    archive = tmp_path / "nightly.tar.gz"
    archive.write_text("yesterday")
    refused = manage("backup", str(archive), database=demo["database"], media=demo["media"])
    assert refused.returncode == 1 and "уже существует" in refused.stderr
    assert archive.read_text() == "yesterday"
