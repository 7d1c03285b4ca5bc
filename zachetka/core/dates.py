"""Dates as Russian offices write them (ДД.ММ.ГГГГ)."""

import datetime as dt
import re

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
_DOTTED = re.compile(r"\d\d\.\d\d\.\d\d\d\d")


class DateParseError(ValueError):
    pass


def parse_date(raw: object) -> dt.date:
    """Parse ДД.ММ.ГГГГ (also ISO ГГГГ-ММ-ДД and spreadsheet dates) or raise DateParseError."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw or "").strip()
    if not text:
        raise DateParseError("дата не указана")
    if _DOTTED.fullmatch(text):  # the usual ДД.ММ.ГГГГ, without strptime's cost per row
        try:
            return dt.date(int(text[6:10]), int(text[3:5]), int(text[0:2]))
        except ValueError as error:
            raise DateParseError(f"«{text}» — такой даты не существует") from error
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no zone
        except ValueError:
            continue
    raise DateParseError(f"«{text}» — не дата в формате ДД.ММ.ГГГГ или такой даты не существует")


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""
