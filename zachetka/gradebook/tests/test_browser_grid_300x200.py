"""The virtualised grid at full size (300 learners × 200 assessments, every grade entered): a
teacher types, moves with Enter, Tab and the arrows, gives the reason for a late correction in
the dialog next to the cell, and meets a colleague's change instead of overwriting it."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zachetka.core import snils
from zachetka.gradebook import services
from zachetka.gradebook.models import Assessment, Grade, GradeChange, GradingScale
from zachetka.people.models import Learner
from zachetka.programs.models import Enrollment, Group, Module, Program, TeachingAssignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEARNERS = 300
ASSESSMENTS = 200
LATE_COLUMN = 2  # «Работа 3»: its deadline has passed
PASS_COLUMN = 7  # «Работа 8»: «зачтено» / «не зачтено», the widest values a grid shows


@pytest.fixture
def big_grid(teacher):
    """A group of 300 × 200 grades, bulk-inserted; column 3 is past its deadline."""
    program = Program.objects.create(title="Программа 300", kind=Program.Kind.QUALIFICATION_UPGRADE, hours=72)
    module = Module.objects.create(program=program, order=1, title="Модуль", hours=72)
    today = timezone.localdate()
    group = Group.objects.create(
        code="Б-300",
        program=program,
        starts_on=today - dt.timedelta(days=250),
        ends_on=today + dt.timedelta(days=30),
    )
    TeachingAssignment.objects.create(group=group, module=module, teacher=teacher)
    people = []
    for n in range(LEARNERS):
        learner = Learner(
            last_name=f"Ученик{n:03d}",
            first_name="Иван",
            middle_name="Петрович",
            birth_date=dt.date(1990, 1, 1),
            sex=Learner.Sex.MALE,
            snils=snils.with_checksum(f"{300_000_000 + n * 13:09d}"),
        )
        learner.refresh_search_key()
        people.append(learner)
    Learner.objects.bulk_create(people)
    enrollments = Enrollment.objects.bulk_create([Enrollment(learner=p, group=group) for p in people])
    five = GradingScale.objects.get(kind=GradingScale.Kind.FIVE_POINT)
    pass_fail = GradingScale.objects.get(kind=GradingScale.Kind.PASS_FAIL)
    columns = Assessment.objects.bulk_create(
        [
            Assessment(
                group=group,
                module=module,
                held_on=today - dt.timedelta(days=ASSESSMENTS + 10 - i),
                due_on=today - dt.timedelta(days=1) if i == LATE_COLUMN else today + dt.timedelta(days=3),
                title=f"Работа {i + 1}",
                scale=pass_fail if i == PASS_COLUMN else five,
                created_by=teacher,
            )
            for i in range(ASSESSMENTS)
        ]
    )
    now = timezone.now()
    points = {"5": 100, "4": 80, "3": 60}

    def value(i: int, j: int) -> tuple[str, int | None, bool]:
        if j == PASS_COLUMN:
            return ("зачтено", None, True) if i % 2 else ("не зачтено", None, False)
        mark = "543"[(i + j) % 3]
        return mark, points[mark], True

    Grade.objects.bulk_create(
        [
            Grade(
                assessment=column,
                enrollment=enrollment,
                value=value(i, j)[0],
                points=value(i, j)[1],
                is_passing=value(i, j)[2],
                entered_by=teacher,
                entered_at=now,
            )
            for i, enrollment in enumerate(enrollments)
            for j, column in enumerate(columns)
        ],
        batch_size=5000,
    )
    return {"group": group, "module": module, "enrollments": enrollments, "columns": columns}


def cell(page, r: int, c: int):  # noqa: ANN001, ANN201 - Playwright's page and locator
    return page.locator(f'#grid .vg-row[data-r="{r}"] .vg-c[data-c="{c}"]')


def name(r: int, c: int) -> re.Pattern:
    """The editor's accessible name on row r, column c: the learner and the assessment."""
    return re.compile(f"^Ученик{r:03d} Иван Петрович — Работа {c + 1} ")


def grade(big_grid: dict, r: int, c: int) -> Grade:
    return Grade.objects.get(enrollment=big_grid["enrollments"][r], assessment=big_grid["columns"][c])


def test_teacher_works_the_300_by_200_grid_with_the_keyboard(
    browser, live_server, log_in, teacher, director, big_grid
):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(page, "teacher")
    page.goto(f"{live_server.url}/groups/{big_grid['group'].pk}/modules/{big_grid['module'].pk}/gradebook/")
    grid = page.locator("#grid")
    expect(grid).to_have_attribute("aria-rowcount", str(LEARNERS + 2))  # header, 300 rows, «fill»
    expect(grid).to_have_attribute("aria-colcount", str(ASSESSMENTS + 3))
    # Only what is in view is drawn: far fewer cells than 60,000.
    assert page.locator("#grid [role=gridcell]").count() < 3000
    editor = page.locator("#grid .vg-editor")
    expect(editor).to_have_count(1)  # one editor for the whole grid
    cell(page, 0, 0).click()
    expect(editor).to_be_focused()
    expect(editor).to_have_accessible_name(name(0, 0))
    expect(page.locator("#cell-info")).to_contain_text("Допустимо")

    # Type a value, Enter saves it and moves down.
    page.keyboard.type("3")  # the cell held «5»
    page.keyboard.press("Enter")
    expect(editor).to_have_accessible_name(name(1, 0))
    expect(cell(page, 0, 0)).to_have_text("3")
    expect(cell(page, 0, 0)).to_have_class(re.compile(r"\bsaved\b"))
    expect(page.locator("#cell-bubble")).to_contain_text("Сохранено: Ученик000 Иван Петрович — «3»")
    assert grade(big_grid, 0, 0).value == "3"

    # Tab moves right, Shift+Tab left; the arrows move up and down.
    page.keyboard.press("Tab")
    expect(editor).to_have_accessible_name(name(1, 1))
    page.keyboard.press("Shift+Tab")
    expect(editor).to_have_accessible_name(name(1, 0))
    page.keyboard.press("ArrowDown")
    expect(editor).to_have_accessible_name(name(2, 0))
    page.keyboard.press("ArrowUp")
    expect(editor).to_have_accessible_name(name(1, 0))
    # The whole value is selected on arrival: → goes to the next cell.
    page.keyboard.press("ArrowRight")
    expect(editor).to_have_accessible_name(name(1, 1))
    # After typing, the caret is at the end of «44»: ← moves the caret, not the cell ...
    page.keyboard.type("44")
    page.keyboard.press("ArrowLeft")
    expect(editor).to_have_accessible_name(name(1, 1))
    expect(editor).to_have_js_property("selectionStart", 1)
    page.keyboard.press("ArrowLeft")
    expect(editor).to_have_js_property("selectionStart", 0)
    expect(editor).to_have_accessible_name(name(1, 1))
    # ... and at the edge it moves to the cell on the left (the typed «44» is refused there).
    page.keyboard.press("ArrowLeft")
    expect(editor).to_have_accessible_name(name(1, 0))
    expect(cell(page, 1, 1)).to_have_class(re.compile(r"\binvalid\b"))
    expect(page.locator("#cell-bubble")).to_contain_text("Ученик001 Иван Петрович — Работа 2")
    # → with the caret inside the text moves the caret; at the end it moves the cell.
    page.keyboard.type("4")
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    expect(editor).to_have_accessible_name(name(1, 0))
    page.keyboard.press("ArrowRight")
    expect(editor).to_have_accessible_name(name(1, 1))
    expect(cell(page, 1, 0)).to_have_text("4")

    # A late correction: the reason is asked next to the cell, naming the learner and the
    # assessment, before the cursor moves; Esc cancels and brings the old value back.
    old = grade(big_grid, 3, LATE_COLUMN).value
    cell(page, 3, LATE_COLUMN).click()
    expect(editor).to_have_accessible_name(name(3, LATE_COLUMN))
    page.keyboard.type("2" if old != "2" else "3")
    page.keyboard.press("Enter")
    dialog = page.locator("#reason-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Ученик003 Иван Петрович")
    expect(dialog).to_contain_text("«Работа 3»")
    expect(page.locator("#reason-input")).to_be_focused()
    expect(editor).to_have_accessible_name(name(3, LATE_COLUMN))  # the cursor has not moved
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(editor).to_be_focused()
    expect(editor).to_have_value(old)
    expect(editor).to_have_accessible_name(name(3, LATE_COLUMN))
    assert grade(big_grid, 3, LATE_COLUMN).value == old

    # Again, this time with a reason: saved, then the cursor moves on.
    page.keyboard.type("2" if old != "2" else "3")
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(editor).to_have_accessible_name(name(3, LATE_COLUMN))
    page.locator("#reason-input").fill("Ошибка ввода, ведомость от 10.11.2026")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(editor).to_have_accessible_name(name(4, LATE_COLUMN))
    expect(cell(page, 3, LATE_COLUMN)).to_have_class(re.compile(r"\bsaved\b"))
    change = GradeChange.objects.filter(grade=grade(big_grid, 3, LATE_COLUMN)).latest("changed_at")
    assert change.reason == "Ошибка ввода, ведомость от 10.11.2026"
    assert change.new_value == ("2" if old != "2" else "3")

    # A colleague changes a cell behind the page: typing over it shows their value next to the
    # cell and does not overwrite it.
    behind = grade(big_grid, 6, 5)
    TeachingAssignment.objects.create(group=big_grid["group"], module=big_grid["module"], teacher=director)
    services.record_grade(
        by=director,
        assessment=big_grid["columns"][5],
        enrollment=big_grid["enrollments"][6],
        text="2" if behind.value != "2" else "3",
        expected_version=behind.version,
    )
    theirs = grade(big_grid, 6, 5).value
    cell(page, 6, 5).click()
    page.keyboard.type("4" if theirs != "4" else "5")
    page.keyboard.press("Enter")
    bubble = page.locator("#cell-bubble")
    expect(bubble).to_contain_text("изменил другой пользователь")
    expect(bubble).to_contain_text(f"сейчас «{theirs}»")
    expect(cell(page, 6, 5)).to_have_text(theirs)
    expect(cell(page, 6, 5)).to_have_class(re.compile(r"\bconflict\b"))
    assert grade(big_grid, 6, 5).value == theirs


def test_every_visible_cell_is_reachable_and_the_grid_scrolls_with_the_cursor(
    browser, live_server, log_in, teacher, big_grid
):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(page, "teacher")
    page.goto(f"{live_server.url}/groups/{big_grid['group'].pk}/modules/{big_grid['module'].pk}/gradebook/")
    editor = page.locator("#grid .vg-editor")
    expect(editor).to_have_count(1)
    # «не зачтено», «зачтено» and every value of the five-point scale fit their columns.
    expect(cell(page, 0, PASS_COLUMN)).to_have_text("не зачтено")
    expect(cell(page, 1, PASS_COLUMN)).to_have_text("зачтено")
    assert page.evaluate(
        "() => [...document.querySelectorAll('#grid .vg-c[data-c]')]"
        ".every(el => el.scrollWidth <= el.clientWidth)"
    )
    # Every grade cell in view lies under the pointer itself (not under the sticky header,
    # the learner column or anything else), so a click reaches it.
    covered = page.evaluate(
        """() => {
          const box = document.getElementById("grid").getBoundingClientRect();
          const bottom = Math.min(box.bottom - 16, window.innerHeight);
          const head = document.querySelector("#grid .vg-head").getBoundingClientRect();
          const who = document.querySelector("#grid .vg-row .vg-who").getBoundingClientRect();
          let seen = 0; const covered = [];
          const cells = "#grid .vg-row:not(.vg-foot) .vg-c[data-c]:not(.vg-result)";
          for (const el of document.querySelectorAll(cells)) {
            const r = el.getBoundingClientRect();
            if (r.top < head.bottom || r.bottom > bottom) continue;
            if (r.left < who.right || r.right > box.right - 16) continue;
            seen += 1;
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            if (!el.contains(hit)) covered.push(el.parentElement.dataset.r + ":" + el.dataset.c);
          }
          return {seen, covered};
        }"""
    )
    assert covered["seen"] > 200 and covered["covered"] == []
    # The last fully visible cell is reached by a click, and the cursor reaches far ones by keys.
    last_row = page.evaluate(
        """() => {
          const box = document.getElementById("grid").getBoundingClientRect();
          const end = Math.min(box.bottom - 16, window.innerHeight);
          let last = 0;
          for (const row of document.querySelectorAll("#grid .vg-row:not(.vg-foot)")) {
            const bottom = row.getBoundingClientRect().bottom;
            if (bottom <= end) last = Math.max(last, Number(row.dataset.r));
          }
          return last;
        }"""
    )
    cell(page, last_row, 3).click()
    expect(editor).to_be_focused()
    expect(editor).to_have_accessible_name(name(last_row, 3))
    # A message about a cell at the window's lower edge stays inside the window (above the cell).
    page.keyboard.type("9")
    page.keyboard.press("Tab")
    bubble = page.locator("#cell-bubble")
    expect(bubble).to_contain_text(f"Ученик{last_row:03d} Иван Петрович — Работа 4")
    expect(bubble).to_be_in_viewport(ratio=1)
    page.keyboard.press("Shift+Tab")
    expect(editor).to_have_accessible_name(name(last_row, 3))
    page.keyboard.press("Escape")
    for _ in range(30):
        page.keyboard.press("ArrowDown")
    expect(editor).to_have_accessible_name(name(last_row + 30, 3))
    expect(editor).to_be_in_viewport()
    for _ in range(40):
        page.keyboard.press("Tab")
    expect(editor).to_have_accessible_name(name(last_row + 30, 43))
    expect(editor).to_be_in_viewport()


def test_printing_the_grid_page_prints_every_row_and_column(browser, live_server, log_in, teacher, big_grid):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(page, "teacher")
    page.goto(f"{live_server.url}/groups/{big_grid['group'].pk}/modules/{big_grid['module'].pk}/gradebook/")
    expect(page.locator("#grid .vg-editor")).to_have_count(1)
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")  # what Ctrl+P fires
    page.emulate_media(media="print")
    printed = page.locator("#grid-print table")
    expect(printed).to_be_visible()
    expect(page.locator("#grid")).to_be_hidden()
    expect(printed.locator("tbody tr")).to_have_count(LEARNERS)
    assert printed.locator("tbody td").count() == LEARNERS * (ASSESSMENTS + 2)  # №, grades, result
    expect(printed.locator("tbody tr").last).to_contain_text("Ученик299 Иван Петрович")


def test_a_late_answer_about_a_cell_scrolled_away_names_the_cell(
    browser, live_server, log_in, teacher, director, big_grid
):
    """The save of a cell is answered after the teacher has moved far on: the message is shown
    at the grid's edge, inside the window, naming the learner and the assessment."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(page, "teacher")
    page.goto(f"{live_server.url}/groups/{big_grid['group'].pk}/modules/{big_grid['module'].pk}/gradebook/")
    editor = page.locator("#grid .vg-editor")
    expect(editor).to_have_count(1)
    held = []
    page.route("**/gradebook/cell/", lambda route: held.append(route))
    behind = grade(big_grid, 2, 5)
    cell(page, 2, 5).click()
    expect(editor).to_have_accessible_name(name(2, 5))
    page.keyboard.type("4" if behind.value != "4" else "5")
    with page.expect_request("**/gradebook/cell/"):
        page.keyboard.press("Enter")
    for _ in range(80):
        page.keyboard.press("ArrowDown")
    expect(editor).to_have_accessible_name(name(83, 5))
    expect(cell(page, 2, 5)).to_have_count(0)  # row 2 is no longer drawn
    # Meanwhile a colleague changed that cell: the held save now meets their version.
    TeachingAssignment.objects.create(group=big_grid["group"], module=big_grid["module"], teacher=director)
    services.record_grade(
        by=director,
        assessment=big_grid["columns"][5],
        enrollment=big_grid["enrollments"][2],
        text="2" if behind.value != "2" else "3",
        expected_version=behind.version,
    )
    assert len(held) == 1
    held[0].continue_()
    bubble = page.locator("#cell-bubble")
    expect(bubble).to_contain_text("Ученик002 Иван Петрович — Работа 6")
    expect(bubble).to_contain_text("изменил другой пользователь")
    expect(bubble).to_be_in_viewport(ratio=1)
    expect(editor).to_have_accessible_name(name(83, 5))  # the cursor stays where the teacher is
