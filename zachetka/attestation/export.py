"""The consolidated statement of a group as an XLSX workbook laid out for printing."""

import io
from collections.abc import Callable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from zachetka.attestation.selectors import Summary
from zachetka.core import dates, xlsx

HEADER_ROW = 4


def summary_workbook(summary: Summary, *, on_row: Callable[[int], None] | None = None) -> bytes:
    """The consolidated statement as XLSX; `on_row` is told each learner's row as it is written."""
    group = summary.group
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = xlsx.sheet_title("Сводная ведомость")
    title = xlsx.write(sheet, 1, 1, f"Сводная ведомость группы {group.code} — {group.program.title}")
    title.font = Font(bold=True, size=12)
    xlsx.write(
        sheet,
        2,
        1,
        f"{group.program.get_kind_display()}, {group.program.hours} ч; обучение "
        f"{dates.format_date(group.starts_on)}–{dates.format_date(group.ends_on)}. "
        "Результаты из подписанных протоколов; «—» — результата нет.",
    )
    headers = ["№", "Фамилия Имя Отчество"]
    headers += [f"{m.order}. {m.title} ({m.get_attestation_form_display()})" for m in summary.modules]
    headers += ["Итоговая аттестация", "Статус", "Задолженностей"]
    for index, title in enumerate(headers, start=1):
        cell = xlsx.write(sheet, HEADER_ROW, index, title)
        cell.font = Font(bold=True)
        cell.fill = xlsx.HEAD_FILL
        cell.border = xlsx.BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for number, row in enumerate(summary.rows, start=1):
        if on_row is not None:
            on_row(number)
        values = [
            number,
            row.enrollment.learner.full_name,
            *(xlsx.grade_value(value) for value in row.intermediate),
            xlsx.grade_value(row.final),
            row.enrollment.status_label,
            row.open_debts,
        ]
        for index, value in enumerate(values, start=1):
            cell = xlsx.write_value(sheet, HEADER_ROW + number, index, value)
            cell.border = xlsx.BOX
            if index > 2:
                cell.alignment = Alignment(horizontal="center")
    # Headers wrap; a column is as wide as its longest result or word of its header.
    xlsx.fit_columns(sheet, first_row=HEADER_ROW, header_row=HEADER_ROW, minimum=5)
    sheet.row_dimensions[HEADER_ROW].height = 90
    xlsx.print_as_landscape_table(sheet, HEADER_ROW)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
