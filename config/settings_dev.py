"""Development and test settings: config.settings with DEBUG on unless the environment says otherwise.

manage.py and pytest use this module; wsgi.py (production) uses config.settings.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from config.settings import *  # noqa: E402, F403
