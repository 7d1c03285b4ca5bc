"""Dates as Russian offices write them (ДД.ММ.ГГГГ)."""

import datetime as dt
import re

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
_DOTTED = re.compile(r"\d\d\.\d\d\.\d\d\d\d")
# What a phone's number pad can type: the digits alone (ДДММГГГГ), or day, month and year
# split by whichever of . , / - or a space the keyboard offers.
_TYPED = re.compile(r"(\d\d)(\d\d)(\d{4})|(\d{1,2})[.,/\- ](\d{1,2})[.,/\- ](\d{4})")


class DateParseError(ValueError):
    pass


def parse_date(raw: object) -> dt.date:
    """Parse ДД.ММ.ГГГГ (also ДДММГГГГ, other separators, ISO ГГГГ-ММ-ДД and spreadsheet
    dates) or raise DateParseError."""
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
    typed = _TYPED.fullmatch(text)
    if typed:
        day, month, year = (int(part) for part in typed.groups() if part is not None)
        try:
            return dt.date(year, month, day)
        except ValueError as error:
            raise DateParseError(f"«{text}» — такой даты не существует") from error
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no zone
        except ValueError:
            continue
    raise DateParseError(f"«{text}» — не дата в формате ДД.ММ.ГГГГ или такой даты не существует")


def normalize_typed(text: str) -> str:
    """A date as typed into a form, rewritten as ДД.ММ.ГГГГ when it reads as one; anything
    else comes back unchanged for the form field to refuse."""
    try:
        return format_date(parse_date(text))
    except DateParseError:
        return text


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""
