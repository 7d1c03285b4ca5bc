"""A group's gradebook as an XLSX workbook laid out for printing: one sheet per module."""

from collections.abc import Callable
from urllib.parse import quote

from django.contrib.auth.models import User

from zachetka.core import dates, xlsx, xlsx_print
from zachetka.gradebook import selectors
from zachetka.programs.models import Group

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


def _module_sheet(title: str, grid: selectors.Grid) -> xlsx_print.Sheet:
    group, module = grid.group, grid.module
    columns = grid.columns
    sheet = xlsx_print.Sheet(
        title=title,
        header_row=HEADER_ROW,
        footer_right="Подпись преподавателя ______________",
    )
    sheet.add_row(
        [(f"Журнал успеваемости группы {group.code} — {group.program.title}", xlsx_print.TITLE)], table=False
    )
    sheet.add_row(
        [
            (
                f"Модуль {module.order}. {module.title} ({module.hours} ч, "
                f"{module.get_attestation_form_display()}); "
                f"обучение {dates.format_date(group.starts_on)}–{dates.format_date(group.ends_on)}",
                xlsx_print.PLAIN,
            )
        ],
        table=False,
    )
    sheet.add_row([], table=False)
    # The assessments' headers stand on their side: a column is as wide as its grades.
    headers = [("№", xlsx_print.HEAD), ("Фамилия Имя Отчество", xlsx_print.HEAD)]
    headers += [
        (f"{dates.format_date(c.assessment.held_on)}\n{c.assessment.title}", xlsx_print.HEAD_ROTATED)
        for c in columns
    ]
    headers.append(("Итог, %", xlsx_print.HEAD))
    sheet.add_row(headers)
    body, center, fail = xlsx_print.BODY, xlsx_print.BODY_CENTER, xlsx_print.BODY_FAIL
    # A grid holds few distinct grades: each is turned into a cell's value once.
    shown: dict[tuple[str, bool], tuple[xlsx_print.Value, int]] = {}
    for number, row in enumerate(grid.rows, start=1):
        name = row.enrollment.learner.full_name
        if not row.is_gradable:
            name += f" ({row.enrollment.status_label})"
        cells: list[tuple[xlsx_print.Value, int]] = [(number, body), (name, body)]
        for grade in row.cells:
            if grade is None:
                cells.append((None, center))
                continue
            key = (grade.value, bool(grade.is_passing))
            if key not in shown:
                failing = bool(grade.value) and not grade.is_passing
                shown[key] = (xlsx.grade_value(grade.value), fail if failing else center)
            cells.append(shown[key])
        cells.append((row.result, body))
        sheet.add_row(cells)
    return sheet


def group_workbook(user: User, group: Group, on_step: Callable[[int, int, str], None] | None = None) -> bytes:
    """Written by core.xlsx_print (a streaming writer): openpyxl took 3 s for 300 × 200 grades."""
    used: set[str] = set()
    modules = list(group.program.modules.all())
    sheets = []
    for number, module in enumerate(modules, start=1):
        if on_step is not None:
            on_step(number - 1, len(modules), f"модуль {number} из {len(modules)}")
        grid = selectors.grid(user, group, module)
        sheets.append(_module_sheet(_sheet_title(module.order, module.title, used), grid))
    return xlsx_print.workbook(sheets)
