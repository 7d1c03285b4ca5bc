"""Russian alphabetical order, one and the same in Python, SQLite and PostgreSQL.

Names are read in lists (pages, grids, statements, protocols, PDFs, spreadsheets), and readers
expect a dictionary's order: ё sorts with е (Елисеев, Ёлкин, Жуков, Фёдорова, Фролова), case
does not change the order. Code points put ё after я, so neither Python's `sorted` nor SQLite's
BINARY collation will do.

- PostgreSQL: the ICU collation `zachetka_ru` (locale ru-RU), created by core's migration 0005.
- SQLite: a collation of the same name registered on every connection (core/sqlite.py) that
  compares `ru_key`.
- Python: `sorted(..., key=lambda x: ru_key(x.name))`.

Name columns declare `db_collation=COLLATION`, so every `order_by` on them follows it; columns
of other apps' models (auth's User) are ordered through `collated("last_name", ...)`.

`ru_key` follows ICU's Russian order for what names and titles hold: first letters alone
(spaces, then punctuation in ICU's order, digits, Cyrillic, Latin; ё = е, й its own letter,
accents and case ignored), then accents (е before ё), then case (lower before upper), then the
text itself, so that only equal strings compare equal, as in a deterministic ICU collation.
"""

import unicodedata
from functools import lru_cache

from django.db.models import F
from django.db.models.expressions import OrderBy
from django.db.models.functions import Collate

COLLATION = "zachetka_ru"

# Spaces and punctuation in the order ICU gives them (checked against ru-RU-x-icu); anything
# else that is neither a letter nor a digit follows them in code point order.
_PUNCTUATION = (
    " \u00a0_-\u2010\u2011\u2012\u2013\u2014\u2015,;:!?.\u2026"
    "'\u2018\u2019\"\u201c\u201d\u201e«»()[]{}@*/\\&#%`^+<=>|~$"
)
_PUNCTUATION_RANK = {char: rank for rank, char in enumerate(_PUNCTUATION)}

# Classes of a character at the first level, in ICU's Russian order (Cyrillic before Latin).
_SPACE_OR_PUNCTUATION, _SYMBOL, _DIGIT, _CYRILLIC, _LATIN, _OTHER = range(6)

# й is a letter of its own in Russian, not и with a breve (likewise ў in Belarusian).
_KEPT_WHOLE = frozenset("йЙўЎ")


def _letter_class(base: str) -> int:
    code = ord(base)
    if 0x0400 <= code <= 0x052F:
        return _CYRILLIC
    if base.isascii() or 0x00C0 <= code <= 0x024F:
        return _LATIN
    return _OTHER


@lru_cache(maxsize=8192)
def _char_weights(char: str) -> tuple[tuple[int, str], str, int]:
    decomposed = char if char in _KEPT_WHOLE else unicodedata.normalize("NFD", char)
    base, accents = decomposed[0], decomposed[1:]
    folded = base.casefold()
    if base in _PUNCTUATION_RANK:
        primary = (_SPACE_OR_PUNCTUATION, chr(_PUNCTUATION_RANK[base]))
    elif base.isspace():
        primary = (_SPACE_OR_PUNCTUATION, chr(0))
    elif base.isdigit():
        primary = (_DIGIT, str(unicodedata.digit(base, 0)))
    elif base.isalpha():
        primary = (_letter_class(base), folded)
    else:
        primary = (_SYMBOL, base)
    return primary, accents, int(char != char.lower())


@lru_cache(maxsize=16384)
def ru_key(text: str) -> tuple:
    """A sort key putting strings in Russian alphabetical order (see the module's docstring)."""
    weights = [_char_weights(char) for char in text]
    return (
        tuple(w[0] for w in weights),
        tuple(w[1] for w in weights),
        tuple(w[2] for w in weights),
        text,
    )


def compare(left: str, right: str) -> int:
    """SQLite's collation callback: negative, zero or positive as `left` sorts before, with or
    after `right`."""
    left_key, right_key = ru_key(left), ru_key(right)
    return (left_key > right_key) - (left_key < right_key)


def collated(*fields: str) -> list[OrderBy]:
    """`order_by` arguments putting text `fields` in Russian order ("-last_name": descending),
    for columns that do not declare the collation themselves (auth's User)."""
    ordering = []
    for field in fields:
        name = field.removeprefix("-")
        expression = Collate(F(name), COLLATION)
        ordering.append(expression.desc() if field.startswith("-") else expression.asc())
    return ordering
