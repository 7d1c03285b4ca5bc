"""The audit trail's filtered events as XLSX: times as spreadsheet dates in the centre's zone,
people by ФИО, fields by their Russian names (core.selectors.audit_lines)."""

import io
from collections.abc import Callable, Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from zachetka.core import dates, xlsx
from zachetka.core.models import AuditEvent
from zachetka.core.selectors import AuditLine, audit_lines

HEADER_ROW = 3
HEADERS = ("№", "Дата и время", "Кто", "IP-адрес", "Действие", "Объект", "Данные", "Основание")
_CHUNK = 2000


def _lines(events: QuerySet[AuditEvent]) -> Iterator[AuditLine]:
    """Lines a chunk at a time: two queries per chunk to open and name them, not per event."""
    chunk: list[AuditEvent] = []
    for event in events.iterator(chunk_size=_CHUNK):
        chunk.append(event)
        if len(chunk) == _CHUNK:
            yield from audit_lines(chunk)
            chunk = []
    yield from audit_lines(chunk)


def workbook(
    events: QuerySet[AuditEvent], subtitle: str, *, shown: Callable[[Iterable[int]], None] | None = None
) -> bytes:
    """The workbook; `shown` is told the learners each line names (for the access log)."""
    book = Workbook()
    sheet = book.active
    sheet.title = xlsx.sheet_title("Журнал аудита")
    xlsx.write(sheet, 1, 1, "Журнал аудита").font = Font(bold=True, size=12)
    xlsx.write(sheet, 2, 1, f"{subtitle}; выгружено {dates.format_date(timezone.localdate())}")
    for column, title in enumerate(HEADERS, start=1):
        cell = xlsx.write(sheet, HEADER_ROW, column, title)
        cell.font, cell.fill, cell.border = Font(bold=True), xlsx.HEAD_FILL, xlsx.BOX
    top = Alignment(wrap_text=True, vertical="top")
    for row, line in enumerate(_lines(events), start=HEADER_ROW + 1):
        if shown is not None and line.learner_ids:
            shown(line.learner_ids)
        values = (
            line.seq,
            line.at,
            line.who,
            line.ip_address,
            line.action,
            line.subject,
            line.data_text,
            line.reason,
        )
        for column, value in enumerate(values, start=1):
            cell = xlsx.write_value(sheet, row, column, value)
            cell.border = xlsx.BOX
            cell.alignment = top
    xlsx.fit_columns(sheet, first_row=HEADER_ROW)
    xlsx.print_as_landscape_table(sheet, HEADER_ROW)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
