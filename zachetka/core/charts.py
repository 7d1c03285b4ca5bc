"""Charts drawn on the server as inline SVG: a horizontal bar chart, a column chart by month and
a stacked bar for a distribution.

Each function returns a `Chart`: the SVG markup (rendered from a template, so every text is
escaped) and the same numbers as a table, which `core/_chart.html` shows next to the picture.
The page's CSP forbids inline styles, so the SVG uses attributes and the `.chart` classes of
`static/css/app.css`; segments differ by hatching as well as by shade and carry their numbers,
so a chart printed in black and white still reads.
"""

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

_ids = itertools.count(1)

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 50
ROW_HEIGHT = 26
BAR_HEIGHT = 16
LABEL_CHARS = 27
# Hatchings of stacked segments, in the order of a distribution's categories (see stacked.svg).
PATTERNS = 8

MONTHS_SHORT = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    url: str = ""


@dataclass(frozen=True)
class Stack:
    """One stacked bar: counts per category, in the order of the chart's categories."""

    label: str
    values: Sequence[int]
    url: str = ""


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    url: str = ""
    empty_text: str = "Данных пока нет."

    @property
    def is_empty(self) -> bool:
        """Nothing to draw: no rows, or only zeros."""
        return not any(value for row in self.rows for value in row[1:])


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def month_label(month: dt.date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def last_months(today: dt.date, count: int = 12) -> list[dt.date]:
    """The first days of the last `count` months, oldest first, this month last."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def _role(items: list[dict]) -> str:
    """An image, unless its parts are links: an image's children are not reachable, so a chart
    whose bars open their lists is a group of them (axe-core: nested-interactive)."""
    return "group" if any(item.get("url") for item in items) else "img"


def hbar(
    title: str,
    desc: str,
    bars: Sequence[Bar],
    *,
    headers: tuple[str, str],
    url: str = "",
    empty_text: str = "Данных пока нет.",
) -> Chart:
    """Horizontal bars, one a row, each with its number at its end."""
    top = max((bar.value for bar in bars), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    rows = [
        {
            "label": _short(bar.label),
            "full_label": bar.label,
            "value": bar.value,
            "url": bar.url,
            "y": 4 + i * ROW_HEIGHT,
            "text_y": 4 + i * ROW_HEIGHT + BAR_HEIGHT - 3,
            "width": max(round(span * bar.value / top), 1 if bar.value else 0),
            "value_x": LABEL_WIDTH + max(round(span * bar.value / top), 0) + 6,
        }
        for i, bar in enumerate(bars)
    ]
    svg = render_to_string(
        "core/charts/hbar.svg",
        {
            "id": f"chart-{next(_ids)}",
            "role": _role(rows),
            "title": title,
            "desc": desc,
            "rows": rows,
            "width": WIDTH,
            "height": 8 + len(rows) * ROW_HEIGHT,
            "label_x": LABEL_WIDTH - 8,
            "bar_x": LABEL_WIDTH,
            "bar_height": BAR_HEIGHT,
        },
    )
    return Chart(svg, title, list(headers), [[bar.label, bar.value] for bar in bars], url, empty_text)


def monthly(
    title: str,
    desc: str,
    counts: Sequence[tuple[dt.date, int, str]],
    *,
    headers: tuple[str, str],
    url: str = "",
) -> Chart:
    """Columns by month, oldest first, each with its number above it: (first day of the month,
    count, link to the list behind it)."""
    height, bottom, top_margin = 200, 34, 18
    plot = height - bottom - top_margin
    step = WIDTH / max(len(counts), 1)
    top = max((n for _, n, _ in counts), default=0) or 1
    cols = []
    for i, (month, n, link) in enumerate(counts):
        h = round(plot * n / top)
        cols.append(
            {
                "label": month_label(month),
                "short": MONTHS_SHORT[month.month - 1],
                # The year under the first column and under every January.
                "sub": str(month.year) if i == 0 or month.month == 1 else "",
                "value": n,
                "url": link,
                "x": round(i * step + step * 0.15, 1),
                "width": round(step * 0.7, 1),
                "center": round(i * step + step / 2, 1),
                "y": top_margin + plot - h,
                "height": h,
                "value_y": top_margin + plot - h - 4,
            }
        )
    return _render_columns(title, desc, cols, height, top_margin + plot, headers, url)


def _render_columns(
    title: str, desc: str, cols: list[dict], height: int, baseline: int, headers: tuple[str, str], url: str
) -> Chart:
    svg = render_to_string(
        "core/charts/columns.svg",
        {
            "id": f"chart-{next(_ids)}",
            "role": _role(cols),
            "title": title,
            "desc": desc,
            "cols": cols,
            "width": WIDTH,
            "height": height,
            "baseline": baseline,
            "label_y": baseline + 14,
            "sub_y": baseline + 28,
        },
    )
    return Chart(svg, title, list(headers), [[c["label"], c["value"]] for c in cols], url)


def stacked(
    title: str,
    desc: str,
    categories: Sequence[str],
    stacks: Sequence[Stack],
    *,
    first_header: str,
    url: str = "",
) -> Chart:
    """Horizontal bars split by category, each bar the whole of its row (shares), every segment
    hatched by its category and labelled with its count; the legend names the categories."""
    chart_id = f"chart-{next(_ids)}"
    label_width = LABEL_WIDTH if any(stack.label for stack in stacks) else 0
    span = WIDTH - label_width - 10
    rows = []
    for i, stack in enumerate(stacks):
        total = sum(stack.values)
        x = float(label_width)
        segments = []
        for c, value in enumerate(stack.values):
            if not value:
                continue
            width = span * value / total
            segments.append(
                {
                    "category": categories[c],
                    "pattern": c % PATTERNS,
                    "value": value,
                    "x": round(x, 1),
                    "width": round(width, 1),
                    "center": round(x + width / 2, 1),
                    "shows_value": width >= 8 * len(str(value)) + 6,
                }
            )
            x += width
        rows.append(
            {
                "label": _short(stack.label),
                "full_label": stack.label,
                "total": total,
                "url": stack.url,
                "y": 4 + i * (ROW_HEIGHT + 6),
                "text_y": 4 + i * (ROW_HEIGHT + 6) + ROW_HEIGHT / 2 + 4,
                "segments": segments,
            }
        )
    legend_top = 10 + len(rows) * (ROW_HEIGHT + 6)
    per_line = 2
    legend = [
        {
            "category": name,
            "pattern": c % PATTERNS,
            "x": (c % per_line) * (WIDTH // per_line),
            "y": legend_top + (c // per_line) * 22,
            "total": sum(stack.values[c] for stack in stacks),
        }
        for c, name in enumerate(categories)
    ]
    height = legend_top + ((len(categories) + per_line - 1) // per_line) * 22 + 4
    svg = render_to_string(
        "core/charts/stacked.svg",
        {
            "id": chart_id,
            "role": _role(rows),
            "title": title,
            "desc": desc,
            "rows": rows,
            "legend": legend,
            "patterns": range(PATTERNS),
            "width": WIDTH,
            "height": height,
            "label_x": label_width - 8,
            "bar_height": ROW_HEIGHT,
        },
    )
    # A single unlabelled bar (one group's gradebook) gets a row label in the table.
    table_rows = [[stack.label or "ячеек журнала", *stack.values, sum(stack.values)] for stack in stacks]
    return Chart(svg, title, [first_header, *categories, "всего"], table_rows, url)
