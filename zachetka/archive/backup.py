"""Backups that restore (regulation п. 7.1, сохранность): one archive holding a consistent
snapshot of the database and every stored file, with a manifest of SHA-256 sums.

The archive is a gzipped tar:
- `manifest.json`: format, time, database vendor, the audit chain's head, and the path, size and
  SHA-256 of every other member;
- `database/db.sqlite3` (SQLite's online backup API: a consistent copy while the site runs) or
  `database/db.dump` (pg_dump's custom format: data before triggers and constraints, so a
  restore loads signed protocols and append-only tables without tripping their guards);
- `media/…`: every file under MEDIA_ROOT (evidence, frozen card PDFs, exports, scans).
"""

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

FORMAT = "zachetka-backup/1"
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go on; the message is for the operator, in Russian."""


@dataclass(frozen=True)
class Created:
    path: Path
    files: int
    bytes: int
    sha256: str


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _media_files(root: Path) -> Iterator[Path]:
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def _pg_env(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the PostgreSQL client tools, the password in the environment."""
    args = ["--dbname", settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} завершился с ошибкой: {done.stderr.strip()[:500]}")


def _snapshot_database(using: str, into: Path) -> tuple[str, Path]:
    connection = connections[using]
    if connection.vendor == "sqlite":
        target = into / "db.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return "sqlite", target
    if connection.vendor == "postgresql":
        target = into / "db.dump"
        args, env = _pg_env(connection.settings_dict)
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args], env
        )
        return "postgresql", target
    raise BackupError(f"Резервное копирование для базы {connection.vendor} не поддерживается.")


def _audit_head(using: str) -> dict[str, Any]:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT last_seq, last_hash FROM core_auditchainhead WHERE id = 1")
        row = cursor.fetchone()
    return {"seq": row[0], "hash": row[1]} if row else {"seq": 0, "hash": ""}


def create(out: Path, *, using: str = "default", media_root: Path | None = None) -> Created:
    """Write the backup archive to `out` (a new file)."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if out.exists():
        raise BackupError(f"Файл {out} уже существует: резервная копия не перезаписывает файлы.")
    with tempfile.TemporaryDirectory(prefix="zachetka-backup-") as scratch:
        vendor, database = _snapshot_database(using, Path(scratch))
        members = [(database, f"database/{database.name}")]
        members += [
            (path, f"media/{path.relative_to(media_root).as_posix()}") for path in _media_files(media_root)
        ]
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "vendor": vendor,
            "database": f"database/{database.name}",
            "audit_head": _audit_head(using),
            "files": [
                {"path": name, "size": path.stat().st_size, "sha256": _sha256_file(path)}
                for path, name in members
            ],
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            raw = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(raw), int(dt.datetime.now(dt.UTC).timestamp())
            archive.addfile(info, io.BytesIO(raw))
            for path, name in members:
                archive.add(path, arcname=name, recursive=False)
        partial.rename(out)  # a crash never leaves a truncated file under the final name
    return Created(out, len(members) - 1, out.stat().st_size, _sha256_file(out))


def _safe_name(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except (KeyError, ValueError, TypeError) as error:
        raise BackupError("В архиве нет описи (manifest.json) или она повреждена.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Архив не резервная копия Зачётки этой версии ({manifest.get('format')}).")
    return manifest


def extract(path: Path, into: Path) -> tuple[dict, list[str]]:
    """Unpack an archive into `into`, checking every member against the manifest: the manifest
    and the problems found (an empty list when every sum agrees)."""
    problems: list[str] = []
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 - closed below
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Архив {path} не читается: {error}") from error
    with archive:
        try:
            manifest = read_manifest(archive)
            expected = {entry["path"]: entry for entry in manifest["files"]}
            seen = set()
            for member in archive:
                if member.name == MANIFEST:
                    continue
                if not member.isfile() or not _safe_name(member.name) or member.name not in expected:
                    problems.append(f"в архиве лишний или недопустимый элемент «{member.name}»")
                    continue
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with archive.extractfile(member) as source, target.open("wb") as sink:
                    while block := source.read(CHUNK):
                        digest.update(block)
                        sink.write(block)
                seen.add(member.name)
                if digest.hexdigest() != expected[member.name]["sha256"]:
                    problems.append(f"«{member.name}»: контрольная сумма SHA-256 не совпадает с описью")
            problems += [f"«{name}» есть в описи, но нет в архиве" for name in sorted(set(expected) - seen)]
        except (OSError, EOFError, tarfile.TarError, KeyError, ValueError, TypeError) as error:
            raise BackupError(f"Архив {path} повреждён: {error}") from error
    return manifest, problems


def database_is_empty(using: str = "default") -> bool:
    with connections[using].cursor() as cursor:
        return not connections[using].introspection.table_names(cursor)


def restore(path: Path, *, using: str = "default", media_root: Path | None = None) -> dict:
    """Bring a backup back into an empty database and an empty media folder; refuse otherwise.
    Every sum is checked before anything is written."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if not database_is_empty(using):
        raise BackupError("База данных не пуста: восстановление выполняется только в пустую базу.")
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"Папка файлов {media_root} не пуста: восстановление выполняется только в пустую.")
    with tempfile.TemporaryDirectory(prefix="zachetka-restore-") as scratch:
        manifest, problems = extract(path, Path(scratch))
        if problems:
            raise BackupError("Архив повреждён:\n- " + "\n- ".join(problems))
        connection = connections[using]
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"Копия снята с базы {manifest['vendor']}, а восстанавливается в {connection.vendor}."
            )
        database = Path(scratch) / manifest["database"]
        if connection.vendor == "sqlite":
            _restore_sqlite(connection, database)
        else:
            args, env = _pg_env(connection.settings_dict)
            _run(
                ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args, str(database)], env
            )
        media = Path(scratch) / "media"
        if media.exists():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(media, media_root, dirs_exist_ok=True)
    return manifest


def _restore_sqlite(connection: Any, snapshot: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(snapshot)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


@contextmanager
def _scratch_database(manifest: dict, database: Path, using: str) -> Iterator[str]:
    """The archive's database loaded where it can be read beside the live one: a temporary
    SQLite file, or a temporary PostgreSQL database next to the live one (the owner may create
    databases). Yields a connection alias, removed afterwards."""
    base = connections[using].settings_dict
    alias = f"backup_check_{uuid.uuid4().hex[:8]}"
    if manifest["vendor"] == "sqlite":
        connections.settings[alias] = base | {"NAME": str(database), "TEST": base.get("TEST", {})}
        try:
            yield alias
        finally:
            connections[alias].close()
            del connections.settings[alias]
        return
    name = f"{base['NAME']}_check_{uuid.uuid4().hex[:8]}"
    with connections[using].cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        args, env = _pg_env(base | {"NAME": name})
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args, str(database)], env)
        connections.settings[alias] = base | {"NAME": name}
        try:
            yield alias
        finally:
            connections[alias].close()
            del connections.settings[alias]
    finally:
        with connections[using].cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def verify(path: Path, *, using: str = "default") -> list[str]:
    """What is wrong with a backup archive: a member whose sum differs from the manifest, a
    missing or extra member, an archive that cannot be read, or an audit chain inside that does
    not verify (with this installation's audit keys). Empty when all is well."""
    from zachetka.core import audit

    with tempfile.TemporaryDirectory(prefix="zachetka-verify-") as scratch:
        try:
            manifest, problems = extract(path, Path(scratch))
        except BackupError as error:
            return [str(error)]
        if problems:
            return problems
        database = Path(scratch) / manifest["database"]
        with _scratch_database(manifest, database, using) as alias:
            # A copy made by an older version is brought to this one's schema first.
            call_command("migrate", database=alias, verbosity=0, interactive=False)
            chain = [problem.message for problem in audit.verify_chain(using=alias)]
            head = _audit_head(alias)
        if chain:
            return [f"журнал аудита в копии: {message}" for message in chain]
        if head != manifest["audit_head"]:
            return ["заголовок журнала аудита в копии не совпадает с описью"]
    return []
