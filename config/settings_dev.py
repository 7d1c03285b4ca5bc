"""Development and test settings: config.settings with DEBUG on unless the environment says otherwise.

manage.py and pytest use this module; wsgi.py (production) uses config.settings.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from config.settings import *  # noqa: E402, F403

# Test servers run in threads; persistent connections there would outlive the test database.
if "DATABASE_CONN_MAX_AGE" not in os.environ:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Browser tests serve pages from threads that write while the page reads; an in-memory SQLite
# database shared between threads locks whole tables, so tests use a file (WAL, busy timeout).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per test process, so two runs in one checkout do not share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
