"""A group's gradebook as an XLSX workbook laid out for printing: one sheet per module."""

import io
from collections.abc import Callable
from urllib.parse import quote

from django.contrib.auth.models import User
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from zachetka.core import dates, xlsx
from zachetka.gradebook import selectors
from zachetka.programs.models import Group

_FAIL_FONT = Font(color="B3261E")
HEADER_ROW = 4


def filename(group: Group) -> str:
    return quote(f"Журнал {group.code}.xlsx")


def _sheet_title(order: int, title: str, used: set[str]) -> str:
    """«1. Охрана труда» cut at a word (core.xlsx.sheet_title); the same cut twice gets a number."""
    base = xlsx.sheet_title(f"{order}. {title}")
    candidate, n = base, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = xlsx.sheet_title(base[: 31 - len(suffix)]) + suffix, n + 1
    used.add(candidate)
    return candidate


def _write_module(sheet: Worksheet, grid: selectors.Grid) -> None:
    group, module = grid.group, grid.module
    columns = grid.columns
    last_col = 3 + len(columns)
    title = xlsx.write(sheet, 1, 1, f"Журнал успеваемости группы {group.code} — {group.program.title}")
    title.font = Font(bold=True, size=12)
    xlsx.write(
        sheet,
        2,
        1,
        f"Модуль {module.order}. {module.title} ({module.hours} ч, {module.get_attestation_form_display()}); "
        f"обучение {dates.format_date(group.starts_on)}–{dates.format_date(group.ends_on)}",
    )
    headers = ["№", "Фамилия Имя Отчество"]
    headers += [f"{dates.format_date(c.assessment.held_on)}\n{c.assessment.title}" for c in columns]
    headers.append("Итог, %")
    for index, title in enumerate(headers, start=1):
        cell = xlsx.write(sheet, HEADER_ROW, index, title)
        cell.font = Font(bold=True)
        cell.fill = xlsx.HEAD_FILL
        cell.border = xlsx.BOX
        cell.alignment = Alignment(
            wrap_text=True,
            vertical="center",
            horizontal="center",
            text_rotation=90 if 2 < index < last_col else 0,
        )
    for number, row in enumerate(grid.rows, start=1):
        excel_row = HEADER_ROW + number
        name = row.enrollment.learner.full_name
        if not row.is_gradable:
            name += f" ({row.enrollment.status_label})"
        grades = [xlsx.grade_value(c.value) if c else None for c in row.cells]
        values = [number, name, *grades, row.result]
        for index, value in enumerate(values, start=1):
            cell = xlsx.write_value(sheet, excel_row, index, value)
            cell.border = xlsx.BOX
            if 2 < index < last_col:
                cell.alignment = Alignment(horizontal="center")
                grade = row.cells[index - 3]
                if grade is not None and grade.value and not grade.is_passing:
                    cell.font = _FAIL_FONT
    # The assessments' headers stand on their side: a column is as wide as its grades.
    xlsx.fit_columns(sheet, first_row=HEADER_ROW, header_row=HEADER_ROW, minimum=5)
    sheet.row_dimensions[HEADER_ROW].height = 120
    xlsx.print_as_landscape_table(sheet, HEADER_ROW)
    sheet.oddFooter.right.text = "Подпись преподавателя ______________"


def group_workbook(user: User, group: Group, on_step: Callable[[int, int, str], None] | None = None) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    modules = list(group.program.modules.all())
    for number, module in enumerate(modules, start=1):
        if on_step is not None:
            on_step(number - 1, len(modules), f"модуль {number} из {len(modules)}")
        grid = selectors.grid(user, group, module)
        _write_module(workbook.create_sheet(_sheet_title(module.order, module.title, used)), grid)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
