"""Development and test settings: config.settings with DEBUG on unless the environment says otherwise.

manage.py and pytest use this module; wsgi.py (production) uses config.settings.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from config.settings import *  # noqa: E402, F403

# Test servers run in threads; persistent connections there would outlive the test database.
if "DATABASE_CONN_MAX_AGE" not in os.environ:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
