"""Server-drawn SVG charts: accessible, escaped, and carrying their numbers."""

import datetime as dt
import re

from django.template.loader import render_to_string

from zachetka.core import charts


def test_a_bar_chart_names_itself_and_shows_every_number():
    chart = charts.hbar(
        "Просрочено по преподавателям",
        "Пустые ячейки после срока.",
        [charts.Bar("Иванова Анна Петровна", 12, "/gradebook/overdue/"), charts.Bar("Петров Пётр", 3)],
        headers=("Преподаватель", "Ячеек"),
    )
    svg = str(chart.svg)
    # Its first bar is a link: a group of bars, not an image (whose children are unreachable).
    assert 'role="group"' in svg and 'aria-label="Просрочено по преподавателям"' in svg
    assert "<title>Просрочено по преподавателям</title>" in svg and "<desc" in svg
    assert re.findall(r'<text class="chart-value"[^>]*>(\d+)</text>', svg) == ["12", "3"]
    assert '<a href="/gradebook/overdue/">' in svg
    # The longer bar is the bigger number.
    widths = [float(w) for w in re.findall(r'class="chart-bar"[^>]*width="([\d.]+)"', svg)]
    assert widths[0] > widths[1] > 0
    assert chart.rows == [["Иванова Анна Петровна", 12], ["Петров Пётр", 3]]


def test_text_in_a_chart_is_escaped_and_numbers_are_not_localised():
    chart = charts.stacked(
        "Итоги <b>программ</b>",
        "desc",
        ["сдали", "не сдали"],
        [charts.Stack('Программа "A&B" <script>', [1, 2])],
        first_header="Программа",
    )
    svg = str(chart.svg)
    assert 'role="img"' in svg  # no bar is a link
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp;B" in svg
    assert "<b>" not in svg
    # Coordinates are written with a point whatever the page's language.
    assert not re.search(r'(x|y|width)="\d+,\d+"', svg)
    assert "сдали — 1" in svg and "не сдали — 2" in svg


def test_stacked_segments_are_hatched_apart_for_black_and_white_print():
    chart = charts.stacked(
        "Оценки", "d", ["отлично", "хорошо", "не явился"], [charts.Stack("", [5, 3, 1])], first_header=""
    )
    svg = str(chart.svg)
    fills = re.findall(r'class="chart-segment"[^>]*fill="url\(#(chart-\d+-p\d)\)"', svg)
    assert len(set(fills[:3])) == 3  # each category its own pattern
    assert svg.count("<pattern ") == charts.PATTERNS
    assert chart.headers == ["", "отлично", "хорошо", "не явился", "всего"]
    assert chart.rows == [["ячеек журнала", 5, 3, 1, 9]]


def test_monthly_columns_label_months_and_years():
    months = charts.last_months(dt.date(2026, 2, 14), count=3)
    assert months == [dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    chart = charts.monthly(
        "Документы",
        "d",
        [(m, n, "") for m, n in zip(months, [4, 0, 7], strict=True)],
        headers=("Месяц", "Выдано"),
    )
    svg = str(chart.svg)
    assert "<title>декабрь 2025: 4</title>" in svg and "<title>февраль 2026: 7</title>" in svg
    assert ">2025<" in svg and ">2026<" in svg  # the year under the first column and January
    assert chart.rows[2] == ["февраль 2026", 7]


def test_a_chart_of_zeros_shows_its_empty_text_instead():
    chart = charts.hbar("Просрочено", "d", [], headers=("a", "b"), empty_text="Все оценки внесены в срок.")
    html = render_to_string("core/_chart.html", {"chart": chart})
    assert chart.is_empty and "Все оценки внесены в срок." in html and "<svg" not in html
