"""Unicode-aware LIKE for SQLite, so `icontains` finds «Иванов» by «иванов» as on PostgreSQL,
and the Russian collation `zachetka_ru` (core/collation.py) that name columns declare.

SQLite's built-in LIKE folds case only for ASCII letters. Django implements contains,
icontains, startswith and friends with `LIKE %s ESCAPE '\\'` on SQLite (all case-insensitive
there already), so replacing LIKE with a version that folds any letter keeps their meaning and
extends it to Cyrillic.
"""

import re
from functools import lru_cache
from typing import Any

from django.db.backends.signals import connection_created

from zachetka.core import collation


@lru_cache(maxsize=512)
def _like_regex(pattern: str, escape: str | None) -> re.Pattern[str]:
    parts: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if escape and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def unicode_like(pattern: str | None, value: Any, escape: str | None = None) -> bool | None:
    if pattern is None or value is None:
        return None
    return _like_regex(pattern, escape).fullmatch(str(value)) is not None


def _install(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function("like", 2, unicode_like, deterministic=True)
        raw.create_function("like", 3, unicode_like, deterministic=True)
        # Every connection needs it: SQLite refuses to sort or compare a column declared
        # COLLATE zachetka_ru on a connection that lacks it ("no such collation sequence").
        raw.create_collation(collation.COLLATION, collation.compare)


def install_unicode_like() -> None:
    connection_created.connect(_install, dispatch_uid="zachetka.sqlite_unicode_like")
