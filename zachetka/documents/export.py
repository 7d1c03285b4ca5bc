"""The registry book of issued documents for printing: XLSX and PDF."""

import io

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from zachetka.core import dates, pdf, xlsx
from zachetka.documents.models import Document

HEADER_ROW = 3
COLUMNS = (
    ("№ п/п", 6),
    ("Рег. номер", 13),
    ("Дата выдачи", 11),
    ("Вид документа", 24),
    ("Серия, номер бланка", 16),
    ("Фамилия Имя Отчество", 30),
    ("Программа, объём", 40),
    ("Группа", 12),
    ("Протокол ИА", 18),
    ("Состояние", 18),
    ("Подпись получателя", 18),
)


def registry_rows(documents: QuerySet[Document]) -> list[list[str]]:
    rows = []
    for number, d in enumerate(documents.iterator(chunk_size=2000), start=1):
        protocol = f"№ {d.protocol.number} от {dates.format_date(d.protocol.held_on)}" if d.protocol else ""
        state = d.get_state_display()
        if d.issue != Document.Issue.ORIGINAL:
            state += f"; {d.get_issue_display()} к № {d.original.registration_number}"
        rows.append(
            [
                str(number),
                d.registration_number,
                dates.format_date(d.issued_on),
                d.get_kind_display(),
                f"{d.series} {d.number}".strip() if d.kind in Document.ON_BLANK else "—",
                d.full_name,
                f"«{d.program_title}», {d.hours} ч",
                d.enrollment.group.code,
                protocol,
                state,
                "",
            ]
        )
    return rows


def _subtitle(chosen: dict) -> str:
    parts = []
    if chosen.get("year"):
        parts.append(f"{chosen['year']} год")
    if chosen.get("kind"):
        parts.append(Document.Kind(chosen["kind"]).label)
    return ", ".join(parts) or "все документы"


def registry_workbook(documents: QuerySet[Document], chosen: dict) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Книга регистрации"
    title = xlsx.write(sheet, 1, 1, f"Книга регистрации выданных документов — {settings.ORGANIZATION_NAME}")
    title.font = Font(bold=True, size=12)
    xlsx.write(sheet, 2, 1, _subtitle(chosen))
    for index, (title, width) in enumerate(COLUMNS, start=1):
        cell = xlsx.write(sheet, HEADER_ROW, index, title)
        cell.font, cell.fill, cell.border = Font(bold=True), xlsx.HEAD_FILL, xlsx.BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[cell.column_letter].width = width
    for offset, values in enumerate(registry_rows(documents), start=1):
        for index, value in enumerate(values, start=1):
            cell = xlsx.write(sheet, HEADER_ROW + offset, index, value)
            cell.border = xlsx.BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    xlsx.print_as_landscape_table(sheet, HEADER_ROW)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def registry_pdf(documents: QuerySet[Document], chosen: dict) -> bytes:
    return pdf.render_pdf(
        "documents/registry_pdf.html",
        {
            "organization": settings.ORGANIZATION_NAME,
            "subtitle": _subtitle(chosen),
            "columns": [title for title, _ in COLUMNS],
            "rows": registry_rows(documents),
            "printed_on": timezone.localdate(),
        },
    )
