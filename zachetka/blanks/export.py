"""Stock of blanks by series as XLSX, for the accountant's reconciliation."""

import io

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from zachetka.blanks.selectors import Stock
from zachetka.core import dates, xlsx

HEADER_ROW = 3
COLUMNS = (
    "Вид бланка",
    "Серия",
    "Поступило",
    "Использовано",
    "Испорчено (списано)",
    "Остаток",
    "Первый свободный №",
)


def stock_workbook(rows: list[Stock]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = xlsx.sheet_title("Остатки бланков")
    title = xlsx.write(
        sheet, 1, 1, f"Бланки строгой отчётности: остатки по сериям — {settings.ORGANIZATION_NAME}"
    )
    title.font = Font(bold=True, size=12)
    xlsx.write(sheet, 2, 1, f"на {dates.format_date(timezone.localdate())}")
    for index, heading in enumerate(COLUMNS, start=1):
        cell = xlsx.write(sheet, HEADER_ROW, index, heading)
        cell.font, cell.fill, cell.border = Font(bold=True), xlsx.HEAD_FILL, xlsx.BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for offset, row in enumerate(rows, start=1):
        values = (
            row.form_label,
            row.series_label,
            row.received,
            row.used,
            row.spoiled,
            row.left,
            row.first_free or "—",
        )
        for index, value in enumerate(values, start=1):
            # Counts are numbers; a blank's number stays text («000118» keeps its zeros).
            xlsx.write_value(sheet, HEADER_ROW + offset, index, value).border = xlsx.BOX
    xlsx.fit_columns(sheet, first_row=HEADER_ROW, header_row=HEADER_ROW, minimum=8)
    xlsx.print_as_landscape_table(sheet, HEADER_ROW)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
