"""A teacher types grades across a row with the keyboard, reloads, and finds them saved."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zachetka.gradebook import services
from zachetka.gradebook.models import Grade, GradingScale
from zachetka.programs.models import TeachingAssignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def row(page, r: int):  # noqa: ANN001, ANN201 - Playwright's page and locator
    return page.locator(f'#grid .vg-row[data-r="{r}"]')


def cell(page, r: int, c: int):  # noqa: ANN001, ANN201
    return row(page, r).locator(f'.vg-c[data-c="{c}"]')


def test_teacher_types_a_row_with_the_keyboard(browser, live_server, log_in, teacher, world):
    group = world["mine"]
    module = TeachingAssignment.objects.get(group=group, teacher=teacher).module
    five, pass_fail = (GradingScale.objects.get(kind=k) for k in ("five_point", "pass_fail"))
    today = timezone.localdate()
    columns = [
        services.create_assessment(
            by=teacher, group=group, module=module, held_on=today, title=title, scale=scale
        )
        for title, scale in (("Практика 1", five), ("Практика 2", five), ("Зачёт по теме", pass_fail))
    ]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, "teacher")
    url = f"{live_server.url}/groups/{group.pk}/modules/{module.pk}/gradebook/"
    page.goto(url)
    # Columns: the world's «Тест 1» of September, then the three above. Rows are sorted by
    # surname: Петров Пётр Петрович, then Смирнова Анна Сергеевна.
    editor = page.locator("#grid .vg-editor")
    cell(page, 0, 0).click()
    # The grid's script answers a focused cell with its rules: only then are its keys handled.
    expect(page.locator("#cell-info")).to_contain_text("Допустимо")
    expect(editor).to_be_focused()
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    page.keyboard.type("отл")  # an alias of 5
    page.keyboard.press("Tab")
    page.keyboard.type("4")
    page.keyboard.press("Tab")
    page.keyboard.type("зач")
    page.keyboard.press("Enter")  # saves and moves down to Смирнова's «Зачёт по теме»
    expect(editor).to_have_accessible_name(re.compile("^Смирнова Анна Сергеевна — Зачёт по теме"))
    page.keyboard.type("7")  # not on the scale
    page.keyboard.press("Tab")
    expect(row(page, 1).locator(".vg-c.invalid")).to_have_count(1)  # refused in place
    expect(page.locator("#cell-status")).to_contain_text("не оценка по шкале")
    expect(page.locator("#cell-bubble")).to_contain_text("не оценка по шкале")  # next to the cell
    expect(page.locator("#grid .vg-c.saving")).to_have_count(0)
    expect(row(page, 0).locator(".vg-c.saved")).to_have_count(4)
    expect(row(page, 0).locator(".vg-c.vg-result")).to_have_text("95")

    page.reload()
    expect(editor).to_have_value("5")  # the editor rests on the first cell
    for index, value in enumerate(["5", "4", "зачтено"], start=1):
        expect(cell(page, 0, index)).to_have_text(value)
    expect(cell(page, 1, 3)).to_have_text("")
    expect(row(page, 0).locator(".vg-c.vg-result")).to_have_text("95")  # worked out by the page
    values = {
        g.assessment_id: g.value for g in Grade.objects.filter(enrollment=world["enrollments"]["classmate"])
    }
    september = world["assessments"]["mine"].pk
    assert values == {september: "5", columns[0].pk: "5", columns[1].pk: "4", columns[2].pk: "зачтено"}

    # Hovering a cell tells who entered it and when.
    second = cell(page, 0, 1)
    second.hover()
    page.wait_for_function(
        "el => /Преподавательская Ирина, \\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d/.test(el.title)",
        arg=second.element_handle(),
    )

    # Opening a cell shows who entered it and its history.
    editor.focus()
    expect(page.locator("#cell-history-list li").first).to_be_visible()
    expect(page.locator("#cell-history-list")).to_contain_text("Преподавательская Ирина")
    expect(page.locator("#cell-info")).to_contain_text("Выставлена: ")
