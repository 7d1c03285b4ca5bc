"""HTML of the grid, built directly: a 300 × 200 gradebook is 60,000 cells and 200 columns,
and the template engine would spend most of the page's time on them. Every value is escaped."""

from functools import lru_cache
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from zachetka.core import dates
from zachetka.gradebook.selectors import Grid


@lru_cache(maxsize=4096)
def _text(value: str) -> str:
    return escape(value)


def _url_pattern(name: str) -> str:
    """A URL with the id as a placeholder, reversed once instead of once per column."""
    return reverse(name, args=[999999999]).replace("999999999", "{}")


def render_head(grid: Grid, *, editable: bool) -> SafeString:
    edit_url = _url_pattern("gradebook:assessment_edit")
    parts = []
    for column in grid.columns:
        a = column.assessment
        title = (
            f"{a.get_kind_display()}, вес {a.weight.normalize():f}, шкала «{a.scale.title}»; "
            f"внести до {dates.format_date(a.due_on)}"
        )
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


def render_foot(grid: Grid, *, csrf_token: str) -> SafeString:
    """Per column, a «fill the empty cells» choice of the column's scale values."""
    fill_url = _url_pattern("gradebook:column_fill")
    parts = []
    for column in grid.columns:
        a = column.assessment
        options = "".join(
            f'<option value="{escape(v.code)}">{escape(v.code)}</option>' for v in column.values
        )
        parts.append(
            f'<td><form method="post" action="{fill_url.format(a.pk)}" class="fill">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
            f'<select name="value" aria-label="Заполнить пустые ячейки: {escape(a.title)}">'
            f'<option value="">…</option>{options}</select></form></td>'
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
