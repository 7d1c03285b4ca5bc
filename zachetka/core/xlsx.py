"""The one way Zachetka's openpyxl exports put values in cells, and the shared layout of the
printable XLSX sheets: a table under a title, on landscape A4."""

import datetime as dt
import re
from copy import copy
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Border, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="EEF1F7")


def write(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Put `value` in a cell, keeping text as text.

    openpyxl stores any string that starts with «=» as a live formula (and «#N/A» and the like
    as error values): a group code, a blank's series or a name typed as `=HYPERLINK(...)` would
    run in the spreadsheet of whoever opens the export. Text is therefore always a string cell,
    shown exactly as typed; only characters XML cannot carry are dropped.
    """
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def print_as_landscape_table(sheet: Worksheet, header_row: int) -> None:
    """Freeze the header and the name columns, repeat the header on each printed page, fit the
    width to one landscape A4 page and number the pages in the footer."""
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = False
    sheet.oddFooter.center.text = "Стр. &P из &N"


DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
_SHEET_TITLE_MAX = 31
_SHEET_TITLE_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})


def write_value(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Like `write`, and a date or a time is stored as a spreadsheet date shown as ДД.ММ.ГГГГ
    (a time in the server's zone as local wall time: spreadsheets know no zones), so that
    people can sort and filter by it; numbers stay numbers."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        cell = write(sheet, row, column, value)
        cell.number_format = DATETIME_FORMAT
        return cell
    cell = write(sheet, row, column, value)
    if isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    return cell


_NUMBER_RE = re.compile(r"-?\d+(?:[.,]\d+)?")


def grade_value(value: object) -> object:
    """A grade or result as a cell holds it: «5», «87» or «4,5» as a number (people sum and
    average them), «зачтено», «неявка» or «—» as the text it is."""
    if isinstance(value, str) and _NUMBER_RE.fullmatch(value.strip()):
        text = value.strip().replace(",", ".")
        # A code with a leading zero («05») is not a number: keep it as typed.
        if "." not in text and len(text.lstrip("-")) > 1 and text.lstrip("-").startswith("0"):
            return value
        return Decimal(text) if "." in text else int(text)
    return value


def sheet_title(text: str) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), cut at a word boundary
    rather than in the middle of a word: «Журнал успеваемости группы …» → «Журнал успеваемости»."""
    words = " ".join(text.translate(_SHEET_TITLE_FORBIDDEN).split()).strip("'")
    if len(words) <= _SHEET_TITLE_MAX:
        return words or "Лист"
    cut = words[: _SHEET_TITLE_MAX + 1].rsplit(" ", 1)[0].rstrip(" ,.;—-")
    if not cut or len(cut) > _SHEET_TITLE_MAX:
        cut = words[:_SHEET_TITLE_MAX]
    return cut


def _shown_width(value: Any, number_format: str) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        # A date is shown by its format, which is as long as what it shows («DD.MM.YYYY»).
        return len(number_format) if number_format.startswith("DD") else len("ДД.ММ.ГГГГ ЧЧ:ММ")
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _wrap(cell: Cell, **alignment: str) -> None:
    """Let the cell's text wrap, keeping the rest of its alignment."""
    wrapped = copy(cell.alignment)
    wrapped.wrap_text = True
    for name, value in alignment.items():
        setattr(wrapped, name, value)
    cell.alignment = wrapped


def _header_width(value: Any) -> int:
    """A header wraps: it needs room for its longest word only."""
    if value is None:
        return 0
    return max((len(word) for word in str(value).split()), default=0)


def fit_columns(
    sheet: Worksheet,
    *,
    first_row: int = 1,
    header_row: int | None = None,
    minimum: int = 6,
    maximum: int = 60,
) -> None:
    """Make each column wide enough for its longest value from `first_row` down (a title above
    the table may overflow to the right as titles do), within `minimum`..`maximum` characters;
    longer text wraps. Cells of `header_row` wrap and need only their longest word (a header
    turned on its side needs no width at all)."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            if cell.row == header_row:
                width = 0 if cell.alignment.text_rotation else _header_width(cell.value)
                if width:
                    _wrap(cell)
            else:
                width = _shown_width(cell.value, cell.number_format)
                if width > maximum:
                    _wrap(cell, vertical="top")
            widths[cell.column] = max(widths.get(cell.column, 0), width)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, minimum), maximum)
