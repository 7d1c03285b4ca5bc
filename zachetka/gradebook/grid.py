"""HTML of the grid's body, built directly: a 300 × 200 gradebook is 60,000 cells, and the
template engine would spend most of the page's time on them. Every value is escaped."""

from html import escape

from django.utils.safestring import SafeString, mark_safe

from zachetka.gradebook.selectors import Grid


def _classes(cell, column, row) -> str:
    classes = []
    if cell is None or cell.value == "":
        if column.is_past_deadline and row.is_gradable:
            classes.append("overdue")
    elif cell.is_absent:
        classes.append("absent")
    elif not cell.is_passing:
        classes.append("fail")
    return " ".join(classes)


def render_body(grid: Grid, *, editable: bool) -> SafeString:
    parts: list[str] = []
    append = parts.append
    columns = grid.columns
    for number, row in enumerate(grid.rows, start=1):
        enrollment = row.enrollment
        learner = enrollment.learner
        row_editable = editable and row.is_gradable
        status = "" if row.is_gradable else f' <span class="badge {enrollment.status}">{escape(enrollment.get_status_display())}</span>'
        append(
            f'<tr data-e="{enrollment.pk}"><td class="n">{number}</td>'
            f'<th scope="row" class="who">{escape(learner.full_name)}{status}</th>'
        )
        for cell, column in zip(row.cells, columns, strict=True):
            classes = _classes(cell, column, row)
            class_attr = f' class="{classes}"' if classes else ""
            if cell is None:
                meta = ' data-v="0"'
                value = ""
            else:
                meta = f' data-v="{cell.version}" data-by="{cell.entered_by_id}" data-at="{int(cell.entered_at.timestamp())}"'
                value = escape(cell.value)
            if row_editable:
                append(f'<td{class_attr}{meta}><input value="{value}" autocomplete="off"></td>')
            else:
                append(f"<td{class_attr}{meta}>{value}</td>")
        result = "" if row.result is None else str(row.result)
        append(f'<td class="result">{result}</td></tr>')
    return mark_safe("".join(parts))  # noqa: S308 - every dynamic value above is escaped
