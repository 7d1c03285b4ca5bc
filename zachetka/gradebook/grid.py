"""The grid built directly, not by the template engine: a 300 × 200 gradebook is 60,000 cells
and 200 columns. The grid page gets its data as one JSON payload (`payload`) that
static/js/gradebook.js draws as a virtualised table; the print page gets the full HTML table
(`render_head`, `render_body`). Every value is escaped."""

import json
from functools import lru_cache
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from zachetka.core import dates
from zachetka.gradebook.models import ABSENT_MARK
from zachetka.gradebook.selectors import Column, CompactGrid, Grid
from zachetka.gradebook.services import GRADABLE_STATUSES
from zachetka.programs.models import Enrollment

# What JSON inside <script> must not contain as such: "</script>" or "<!--" would end or
# change the element (the same characters Django's json_script escapes).
_SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


@lru_cache(maxsize=4096)
def _text(value: str) -> str:
    return escape(value)


def _url_pattern(name: str) -> str:
    """A URL with the id as a placeholder, reversed once instead of once per column."""
    return reverse(name, args=[999999999]).replace("999999999", "{}")


def _about(column: Column) -> str:
    a = column.assessment
    return (
        f"{a.get_kind_display()}, вес {a.weight.normalize():f}, шкала «{a.scale.title}»; "
        f"внести до {dates.format_date(a.due_on)}"
    )


def _widest(column: Column) -> list[str]:
    """The longest texts a cell of the column shows, for the page to size the column by."""
    if column.assessment.scale.is_numeric:
        return ["100", ABSENT_MARK]
    return [value.code for value in column.values] + [ABSENT_MARK]


def payload(grid: CompactGrid, *, editable: bool, may_fill: bool) -> SafeString:
    """The grid as one compact JSON text, safe to put inside <script type="application/json">.

    Rows are [enrolment id, full name, status shown as a badge ("" when studying), its CSS
    class, gradable (0/1), owes grades (0/1)]; columns carry their weight for the rows'
    results; cells are parallel lists (see `CompactGrid`)."""
    data = {
        "editable": editable,
        "mayFill": may_fill,
        "reasonAlways": grid.lock is not None,
        "editUrl": _url_pattern("gradebook:assessment_edit") if editable else "",
        "fillUrl": _url_pattern("gradebook:column_fill") if may_fill else "",
        "columns": [
            {
                "id": column.assessment.pk,
                "title": column.assessment.title,
                "date": f"{column.assessment.held_on:%d.%m}",
                "due": dates.format_date(column.assessment.due_on),
                "past": column.is_past_deadline,
                "weight": float(column.assessment.weight),
                "hint": column.hint,
                "about": _about(column),
                "values": [value.code for value in column.values],
                "widest": _widest(column),
            }
            for column in grid.columns
        ],
        "rows": [
            [
                e.pk,
                e.learner.full_name,
                "" if e.status in GRADABLE_STATUSES else e.status_label,
                e.status,
                int(e.status in GRADABLE_STATUSES),
                int(e.status == Enrollment.Status.STUDYING),
            ]
            for e in grid.enrollments
        ],
        "authors": {str(pk): name for pk, name in grid.authors.items()},
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # The cells' lists are JSON already (written by the database): put in as they are.
    cells = ",".join(f'"{name}":{lists}' for name, lists in grid.cells.items())
    text = f'{text[:-1]},"cells":{{{cells}}}}}'
    for character, escaped in _SCRIPT_ESCAPES:
        text = text.replace(character, escaped)
    return mark_safe(text)  # noqa: S308 - JSON with every character that could end the element escaped


def render_head(grid: Grid, *, editable: bool) -> SafeString:
    edit_url = _url_pattern("gradebook:assessment_edit")
    parts = []
    for column in grid.columns:
        a = column.assessment
        title = _about(column)
        actions = (
            f'<span class="col-actions"><a href="{edit_url.format(a.pk)}" '
            f'title="Изменить мероприятие">✎</a></span>'
            if editable
            else ""
        )
        parts.append(
            f'<th id="c{a.pk}" class="col{" past" if column.is_past_deadline else ""}" data-a="{a.pk}" '
            f'data-hint="{escape(column.hint)}" title="{escape(title)}">'
            f'<span class="date">{a.held_on:%d.%m}</span>'
            f'<span class="title">{escape(a.title)}</span>{actions}</th>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every dynamic value above is escaped


def render_body(grid: Grid, *, editable: bool) -> SafeString:
    parts: list[str] = []
    append = parts.append
    past = [column.is_past_deadline for column in grid.columns]
    for number, row in enumerate(grid.rows, start=1):
        enrollment = row.enrollment
        row_editable = editable and row.is_gradable
        owes = row.owes_grades
        status = (
            ""
            if row.is_gradable
            else f' <span class="badge {enrollment.status}">{escape(enrollment.status_label)}</span>'
        )
        append(
            f'<tr data-e="{enrollment.pk}"><td class="n">{number}</td>'
            f'<th scope="row" id="r{enrollment.pk}" class="who">'
            f"{escape(enrollment.learner.full_name)}{status}</th>"
        )
        for cell, is_past, column in zip(row.cells, past, grid.columns, strict=True):
            if cell is None or cell.value == "":
                css = ' class="overdue"' if is_past and owes else ""
                meta = f' data-v="{cell.version}"' if cell is not None else ' data-v="0"'
                value = ""
            else:
                css = ' class="absent"' if cell.is_absent else "" if cell.is_passing else ' class="fail"'
                meta = f' data-v="{cell.version}" data-by="{cell.entered_by_id}"'
                value = _text(cell.value)
            if row_editable:
                # Named by its learner's row header and its assessment's column header.
                label = f' aria-labelledby="r{enrollment.pk} c{column.assessment.pk}"'
                append(f'<td{css}{meta}><input value="{value}" autocomplete="off"{label}></td>')
            else:
                append(f"<td{css}{meta}>{value}</td>")
        append(f'<td class="result">{"" if row.result is None else row.result}</td></tr>')
    return mark_safe("".join(parts))  # noqa: S308 - every dynamic value above is escaped
