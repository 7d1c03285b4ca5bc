"""The registry book of issued documents for printing: XLSX and PDF."""

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from zachetka.core import dates, pdf, typography, xlsx
from zachetka.documents.models import Document
from zachetka.organization import selectors as organization
from zachetka.programs.models import Group

HEADER_ROW = 3


@dataclass(frozen=True)
class Column:
    title: str
    xlsx_width: int  # characters
    pdf_mm: float | None  # the PDF column's least width; None: the column takes what is left


# The registry book's columns; the last two are filled in by hand when the document is handed
# over (the receiver's signature, or the power of attorney or the postal dispatch it went by).
COLUMNS = (
    Column("№ п/п", 6, 8),
    Column("Рег. номер", 13, 16),
    Column("Дата выдачи", 11, 15),
    Column("Вид документа", 24, 20),
    Column("Серия, номер бланка", 16, 15),
    Column("Фамилия Имя Отчество", 30, 30),
    Column("Программа, объём", 40, None),
    Column("Группа", 12, 14),
    Column("Протокол ИА", 18, 18),
    Column("Состояние", 18, 20),
    Column("Подпись получателя", 18, 20),
    Column("Выдан по доверенности / отправлен почтой (реквизиты)", 26, 24),
)
# The registry names a document's kind briefly: it has narrow columns and long rows.
REGISTRY_KINDS = {
    Document.Kind.QUALIFICATION_CERTIFICATE: "удостоверение о ПК",
    Document.Kind.RETRAINING_DIPLOMA: "диплом о ПП",
    Document.Kind.VOCATIONAL_CERTIFICATE: "свидетельство о профессии",
    Document.Kind.STUDY_CERTIFICATE: "справка об обучении",
    Document.Kind.COURSE_CERTIFICATE: "сертификат",
}
REGISTRY_MAX_WIDTH = 45  # characters; longer text (a program's title) wraps
PDF_FONT_PT = 7
PDF_WIDTH_MM = 277  # landscape A4 less the margins
_PT_MM = 25.4 / 72
_CELL_PADDING_MM = 2 * 1.5 * _PT_MM + 0.6  # 1.5pt each side and the borders
# Advance widths of DejaVu Serif in em (measured, rounded up); headers are bold, 13% wider.
_EM = {"digit": 0.64, "upper": 0.86, "lower": 0.68, "narrow": 0.35, "space": 0.32, "numero": 0.95}
_BOLD = 1.13


def _unit_mm(unit: str, *, bold: bool = False) -> float:
    """The printed width of text that cannot break (a word, or words tied by non-breaking
    spaces: «№ ИА-2026-0001»)."""
    ems = 0.0
    for char in unit:
        if char.isdigit():
            ems += _EM["digit"]
        elif char == "№":
            ems += _EM["numero"]
        elif char.isspace():
            ems += _EM["space"]
        elif char in ".,:;-–()/«»\u2060":
            ems += _EM["narrow"]
        elif char.isupper():
            ems += _EM["upper"]
        else:
            ems += _EM["lower"]
    return ems * PDF_FONT_PT * _PT_MM * (_BOLD if bold else 1)


def _units(text: str) -> list[str]:
    """The pieces a line may break between once the text is typeset (ordinary spaces only)."""
    return [unit for unit in typography.typeset(text).split(" ") if unit]


def pdf_column_widths(rows: list[list[str]]) -> list[float | None]:
    """Millimetres per column: at least the column's own width and wide enough for the longest
    word, number or date in it (or in its title), so that nothing is broken inside a token; the
    column without a width takes the rest of the page."""
    widths: list[float | None] = []
    for index, column in enumerate(COLUMNS):
        if column.pdf_mm is None:
            widths.append(None)
            continue
        longest = max(
            [_unit_mm(unit, bold=True) for unit in _units(column.title)]
            + [_unit_mm(unit) for row in rows for unit in _units(row[index])],
            default=0.0,
        )
        widths.append(round(max(column.pdf_mm, longest + _CELL_PADDING_MM), 1))
    return widths


def registry_rows(
    documents: QuerySet[Document], *, typed: bool = False, on_row: Callable[[int], None] | None = None
) -> list[list]:
    """The registry's rows as text (for the PDF) or, `typed`, with the row number as a number
    and the date as a date (for the spreadsheet). `on_row` is told each row's number as it is
    read."""
    rows = []
    for number, d in enumerate(documents.iterator(chunk_size=2000), start=1):
        if on_row is not None:
            on_row(number)
        protocol = f"№ {d.protocol.number} от {dates.format_date(d.protocol.held_on)}" if d.protocol else ""
        state = d.get_state_display()
        if d.issue != Document.Issue.ORIGINAL:
            state += f"; {d.get_issue_display()} к № {d.original.registration_number}"
        rows.append(
            [
                number if typed else str(number),
                d.registration_number,
                d.issued_on if typed else dates.format_date(d.issued_on),
                REGISTRY_KINDS.get(d.kind, d.get_kind_display()),
                f"{d.series} {d.number}".strip() if d.kind in Document.ON_BLANK else "—",
                d.full_name,
                f"«{d.program_title}», {d.hours} ч",
                d.enrollment.group.code,
                protocol,
                state,
                "",
                "",
            ]
        )
    return rows


def registry_subtitle(chosen: dict) -> str:
    """The registry's filters in words: «2026 год, группа ПК-2026-01» or «все документы»."""
    parts = []
    if chosen.get("year"):
        parts.append(f"{chosen['year']} год")
    if chosen.get("kind"):
        parts.append(Document.Kind(chosen["kind"]).label)
    if chosen.get("group_id"):
        code = Group.objects.filter(pk=chosen["group_id"]).values_list("code", flat=True).first()
        if code:
            parts.append(f"группа {code}")
    return ", ".join(parts) or "все документы"


def registry_workbook(
    documents: QuerySet[Document],
    chosen: dict,
    *,
    on_row: Callable[[int], None] | None = None,
    on_written: Callable[[int], None] | None = None,
) -> bytes:
    """The registry book as XLSX; `on_row` is told each document read, `on_written` each row
    written to the sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = xlsx.sheet_title("Книга регистрации")
    title = xlsx.write(
        sheet, 1, 1, f"Книга регистрации выданных документов — {organization.current().full_name}"
    )
    title.font = Font(bold=True, size=12)
    xlsx.write(sheet, 2, 1, f"Отбор: {registry_subtitle(chosen)}")
    for index, column in enumerate(COLUMNS, start=1):
        cell = xlsx.write(sheet, HEADER_ROW, index, column.title)
        cell.font, cell.fill, cell.border = Font(bold=True), xlsx.HEAD_FILL, xlsx.BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for offset, values in enumerate(registry_rows(documents, typed=True, on_row=on_row), start=1):
        if on_written is not None:
            on_written(offset)
        for index, value in enumerate(values, start=1):
            cell = xlsx.write_value(sheet, HEADER_ROW + offset, index, value)
            cell.border = xlsx.BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    xlsx.fit_columns(sheet, first_row=HEADER_ROW, header_row=HEADER_ROW, maximum=REGISTRY_MAX_WIDTH)
    # The book is printed on one page's width: a column is never narrower than its printed
    # layout (the last two leave room for a signature and a power of attorney written by hand).
    for index, column in enumerate(COLUMNS, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = max(dimension.width, column.xlsx_width)
    xlsx.print_as_landscape_table(sheet, HEADER_ROW)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def registry_pdf(
    documents: QuerySet[Document],
    chosen: dict,
    *,
    on_row: Callable[[int], None] | None = None,
    on_stage: Callable[..., None] | None = None,
) -> bytes:
    """The registry book on landscape A4, each column wide enough for its longest token.
    `on_row` is told each document read, `on_stage` each page laid out (`core.pdf.reporting`)."""
    rows = registry_rows(documents, on_row=on_row)
    with pdf.reporting(on_stage):
        return pdf.render_pdf(
            "documents/registry_pdf.html",
            {
                "requisites": organization.current(),
                "subtitle": registry_subtitle(chosen),
                "columns": list(
                    zip((column.title for column in COLUMNS), pdf_column_widths(rows), strict=True)
                ),
                "rows": rows,
                "printed_on": timezone.localdate(),
            },
        )
