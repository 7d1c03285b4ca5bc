"""Several app servers: what one server counts or stores, every other one sees.

Some tests start a second Python process on the same test database, as a second app server
would be; others import the settings in a fresh process with a given environment.
"""

import json
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from zachetka.core import storage
from zachetka.documents import services as documents
from zachetka.documents.models import VerificationCheck
from zachetka.web import importing
from zachetka.web.services import take_password_reset

REPO_ROOT = Path(settings.BASE_DIR)
VISITOR = "203.0.113.77"


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `code` in a fresh Python process at the repository root with exactly `env` for Django."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZACHETKA_", "AWS_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(  # noqa: S603 - this interpreter, code written here
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO_ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _test_database_url() -> str:
    """The URL of the database this test runs on, for a second process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


SECOND_SERVER = """
    import json
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from zachetka.documents import services as documents
    from zachetka.web.services import take_password_reset

    # The same fast hasher as the test process, so the right password is the right password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    visitor = "{visitor}"
    login = Client().post(
        "/login/", {{"username": "registrar", "password": "pass-for-tests-1"}}, REMOTE_ADDR=visitor
    )
    print(json.dumps({{
        "reset_sent": take_password_reset(ip_address=visitor, email="someone@example.ru"),
        "verify_wait": documents.verify(
            ip_address=visitor, registration_number="2026-99999", last_name="Никтов"
        ).wait_seconds,
        "login_status": login.status_code,
    }}))
"""


@pytest.mark.django_db(transaction=True)
def test_limits_counted_by_one_server_hold_on_another(client, registrar):
    """Password-reset allowance, verification throttle and log-in lock-out live in the database:
    used up through this process, they hold in a second process on the same database."""
    for _ in range(settings.PASSWORD_RESETS_PER_HOUR):
        assert take_password_reset(ip_address=VISITOR, email="someone@example.ru")
    # Wrong registration numbers guessed from the visitor's address, many enough to slow it for
    # the whole window (however long the second process takes to start).
    VerificationCheck.objects.bulk_create(
        VerificationCheck(ip_address=VISITOR, registration_number=f"2026-{n:05d}", found=False)
        for n in range(settings.VERIFY_FREE_FAILURES + 10)
    )
    assert documents.verify(
        ip_address=VISITOR, registration_number="2026-99999", last_name="Никтов"
    ).wait_seconds
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "registrar", "password": "wrong"}, REMOTE_ADDR=VISITOR)

    done = _run(
        SECOND_SERVER.format(visitor=VISITOR),
        {"DJANGO_SETTINGS_MODULE": "config.settings_dev", "DATABASE_URL": _test_database_url()},
    )

    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["reset_sent"] is False
    assert seen["verify_wait"] > 0
    assert seen["login_status"] == 429  # locked: even the right password is refused there


def _two_servers(backend: str, **options: object) -> dict:
    return {alias: {"BACKEND": backend, **options} for alias in ("default", "server_a", "server_b")}


@pytest.mark.django_db
def test_the_database_cache_is_one_for_every_server():
    with override_settings(
        CACHES=_two_servers("django.core.cache.backends.db.DatabaseCache", LOCATION="zachetka_cache")
    ):
        caches["server_a"].set("throttle:203.0.113.77", 3, 60)
        assert caches["server_b"].get("throttle:203.0.113.77") == 3
        assert caches["server_b"].incr("throttle:203.0.113.77") == 4
        assert caches["server_a"].get("throttle:203.0.113.77") == 4


def test_a_process_memory_cache_is_not_shared():
    """Why LocMem is refused outside development: each process has its own."""
    with override_settings(
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "server_a": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "a"},
            "server_b": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "b"},
        }
    ):
        caches["server_a"].set("throttle:203.0.113.77", 3, 60)
        assert caches["server_b"].get("throttle:203.0.113.77") is None


def test_the_redis_cache_is_one_for_every_server():
    url = os.environ.get("ZACHETKA_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Тест Redis пропущен: Redis недоступен по адресу {url} (apt-get install redis-server).")
    prefix = f"test-{uuid.uuid4().hex}"
    with override_settings(
        CACHES=_two_servers("django.core.cache.backends.redis.RedisCache", LOCATION=url, KEY_PREFIX=prefix)
    ):
        try:
            caches["server_a"].set("throttle:203.0.113.77", 3, 60)
            assert caches["server_b"].get("throttle:203.0.113.77") == 3
            assert caches["server_b"].incr("throttle:203.0.113.77") == 4
            assert caches["server_a"].get("throttle:203.0.113.77") == 4
        finally:
            caches["server_a"].delete("throttle:203.0.113.77")


def test_staged_imports_go_to_the_configured_storage(settings):
    """A staged file lives in STORAGES["imports"] (a shared path, or a bucket): any backend."""
    settings.STORAGES = settings.STORAGES | {
        "imports": {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    }
    staged = importing.stage(b"surname;name\n", "learners.csv", None, rows=1)
    assert storage.import_staging().exists(f"{staged.token}.upload")
    again = importing.from_session(importing.to_session(staged), staged.token)
    assert again is not None
    assert again.read() == b"surname;name\n"
    settings.IMPORT_STAGING_HOURS = 0
    assert importing.sweep() == 1
    assert importing.from_session(importing.to_session(staged), staged.token) is None


def test_staged_imports_on_a_shared_path_are_private(settings, tmp_path):
    settings.IMPORT_STAGING_DIR = tmp_path / "shared" / "imports"
    staged = importing.stage(b"surname;name\n", "learners.csv", None)
    path = settings.IMPORT_STAGING_DIR / f"{staged.token}.upload"
    assert path.read_bytes() == b"surname;name\n"
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "zachetka.example.ru",
    "ZACHETKA_AUDIT_HMAC_KEY": "k" * 40,
    "DATABASE_URL": "postgres://zachetka_app@127.0.0.1:5432/zachetka",
    "ZACHETKA_JOBS_QUEUE": "redis",
}
SHOW_SETTINGS = """
    import json, sys
    from config import settings
    print(json.dumps({
        "cache": settings.CACHES["default"]["BACKEND"],
        "sessions": settings.SESSION_ENGINE,
        "files": settings.STORAGES["default"],
        "imports": settings.STORAGES["imports"],
        "s3_imported": "storages.backends.s3" in sys.modules,
    }))
"""


def _settings_with(**env: str) -> dict:
    done = _run(SHOW_SETTINGS, PRODUCTION | env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_production_shares_sessions_and_cache_by_default():
    shown = _settings_with(ZACHETKA_APP_SERVERS="2")
    assert shown["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert shown["sessions"] == "django.contrib.sessions.backends.db"
    assert shown["files"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert shown["imports"]["BACKEND"] == "zachetka.core.storage.ImportStagingStorage"


def test_redis_cache_from_the_environment():
    shown = _settings_with(ZACHETKA_CACHE="redis", ZACHETKA_CACHE_URL="redis://10.0.0.5:6379/1")
    assert shown["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_s3_storage_is_configured_without_being_imported():
    shown = _settings_with(
        ZACHETKA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="zachetka-files",
        AWS_S3_ENDPOINT_URL="https://storage.example.ru",
    )
    assert shown["files"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert shown["files"]["OPTIONS"]["bucket_name"] == "zachetka-files"
    assert shown["files"]["OPTIONS"]["endpoint_url"] == "https://storage.example.ru"
    assert shown["files"]["OPTIONS"]["location"] == "media"
    assert shown["imports"]["OPTIONS"]["location"] == "import-staging"
    assert shown["files"]["OPTIONS"]["file_overwrite"] is False
    # boto3 is an optional extra: nothing loads the backend until a file is stored.
    assert shown["s3_imported"] is False


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ZACHETKA_APP_SERVERS": "2", "ZACHETKA_JOBS_QUEUE": "sqlite"}, "ZACHETKA_JOBS_QUEUE=sqlite"),
        ({"ZACHETKA_APP_SERVERS": "2", "DATABASE_URL": "sqlite:///var/x.sqlite3"}, "DATABASE_URL is SQLite"),
        ({"ZACHETKA_CACHE": "locmem"}, "ZACHETKA_CACHE"),
        ({"ZACHETKA_STORAGE": "ftp"}, "ZACHETKA_STORAGE"),
        ({"ZACHETKA_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
    ],
)
def test_a_store_per_machine_is_refused_loudly(env, named):
    done = _run(SHOW_SETTINGS, PRODUCTION | env)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert named in done.stderr
