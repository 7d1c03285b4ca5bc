"""Personal names as the organisation writes them: «Фамилия Имя Отчество»."""

import re

# Cyrillic letters, space, hyphen, dot, apostrophe and brackets (ФИС ФРДО name rule, docs/sources.md § 1.5).
# A plain space only: tabs, line breaks and other control characters have no place in a name.
_NAME_RE = re.compile(r"^[А-Яа-яЁё][А-Яа-яЁё \-\.'()]*$")
NAME_MAX_LENGTH = 50
FULL_NAME_MAX_LENGTH = 150


def clean_name_part(raw: str) -> str:
    """Collapse inner whitespace and trim; keep the letters' case as typed."""
    return " ".join((raw or "").split())


def name_part_error(value: str, max_length: int = NAME_MAX_LENGTH) -> str | None:
    """Return a Russian message when a name part (or, with a larger `max_length`, a whole
    «Фамилия Имя Отчество») breaks the rules, else None."""
    if len(value) > max_length:
        return f"не длиннее {max_length} символов"
    if not _NAME_RE.match(value):
        return "только русские буквы, пробел, дефис, точка, апостроф и скобки"
    if value[-1] in " -":
        return "не может заканчиваться пробелом или дефисом"
    if "  " in value:
        return "без двойных пробелов"
    return None


def full_name(last: str, first: str, middle: str = "") -> str:
    return " ".join(part for part in (last, first, middle) if part)


def short_name(last: str, first: str, middle: str = "") -> str:
    """«Иванов И. И.»"""
    initials = " ".join(f"{part[0]}." for part in (first, middle) if part)
    return f"{last} {initials}".strip()


def search_key(*parts: str) -> str:
    """Fold text for case-insensitive search that also works on SQLite (its LIKE folds only ASCII).

    Lower-casing in Python handles Cyrillic; «ё» is folded to «е» because people type either.
    """
    return " ".join(" ".join(p for p in parts if p).lower().replace("ё", "е").split())


def user_full_name(user: object) -> str:
    """An account's person as «Фамилия Имя Отчество» (first_name holds name and patronymic)."""
    if user is None:
        return ""
    full = " ".join(
        part for part in (getattr(user, "last_name", ""), getattr(user, "first_name", "")) if part
    )
    return full or getattr(user, "username", "")


NBSP = "\u00a0"


def initials_and_surname(full: str) -> str:
    """«Кузнецова Ольга Викторовна» → «О. В. Кузнецова», the name under a signature line, with
    non-breaking spaces so that initials never stay at the end of a line without the surname."""
    parts = full.split()
    if not parts:
        return ""
    surname, given = parts[0], parts[1:]
    return NBSP.join([*(f"{part[0]}." for part in given), surname])


def user_initials_and_surname(user: object) -> str:
    """A staff account as «И. О. Фамилия» (first_name holds name and patronymic)."""
    if user is None:
        return ""
    last = getattr(user, "last_name", "")
    first = getattr(user, "first_name", "")
    if not last:
        return user_full_name(user)
    return initials_and_surname(f"{last} {first}")
