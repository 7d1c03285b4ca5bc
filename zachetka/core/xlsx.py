"""The one way Zachetka's openpyxl exports put values in cells, and the shared layout of the
printable XLSX sheets: a table under a title, on landscape A4."""

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Border, PatternFill, Side
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
