"""What every XLSX export promises, checked on a sheet read back with openpyxl."""

import datetime as dt

from openpyxl.worksheet.worksheet import Worksheet


def shown_length(cell: object) -> int:
    """How many characters a cell shows: a date by its format, text by its longest line."""
    if isinstance(cell.value, dt.date):
        return len(cell.number_format)
    return max((len(line) for line in str(cell.value or "").splitlines()), default=0)


def assert_no_formula_and_values_fit(sheet: Worksheet, *, first_row: int) -> None:
    """No cell is a live formula, and every value from `first_row` down fits its column's width
    (or wraps, when it is longer than a column may be)."""
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    for row in sheet.iter_rows(min_row=first_row + 1):
        for cell in row:
            width = sheet.column_dimensions[cell.column_letter].width
            assert shown_length(cell) <= width or cell.alignment.wrap_text, (
                cell.coordinate,
                cell.value,
                width,
            )
