import datetime as dt
import io

import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from zachetka.gradebook import services


@time_machine.travel(dt.datetime(2026, 11, 11, 12, 0, tzinfo=dt.UTC))
def test_group_workbook_has_a_sheet_per_module_with_grades(client, teacher, journal, job_file):
    services.record_grade(
        by=teacher, assessment=journal["assessment"], enrollment=journal["own"], text="5", expected_version=0
    )
    services.record_grade(
        by=teacher,
        assessment=journal["assessment"],
        enrollment=journal["classmate"],
        text="2",
        expected_version=0,
    )
    client.force_login(teacher)
    response = job_file(client, reverse("gradebook:group_export_job", args=[journal["group"].pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["1. Введение", "2. Практикум"]
    sheet = workbook["1. Введение"]
    assert journal["group"].code in sheet["A1"].value
    assert sheet["C4"].value == "10.09.2026\nТест 1"  # columns in date order
    assert sheet["D4"].value == "10.11.2026\nПрактическая работа 1"
    rows = {sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=4).value for r in range(5, 7)}
    assert rows == {"Петров Пётр Петрович": 2, "Смирнова Анна Сергеевна": 5}  # numbers, not text
    for row in sheet.iter_rows(min_row=5):
        for cell in row:
            assert cell.data_type != "f"
            assert len(str(cell.value or "")) <= sheet.column_dimensions[cell.column_letter].width
    assert sheet.cell(row=5, column=4).font.color.rgb.endswith("B3261E")  # the failing mark stands out
    assert sheet.cell(row=6, column=5).value == 100  # weighted result
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$4:$4"
    assert workbook["2. Практикум"].max_row == 6  # header block and two learners, no assessments


def test_print_view_shows_the_grid_without_inputs(client, teacher, journal):
    client.force_login(teacher)
    response = client.get(reverse("gradebook:grid_print", args=[journal["group"].pk, journal["module"].pk]))
    page = response.content.decode()
    assert "Смирнова Анна Сергеевна" in page and "Практическая работа 1" in page
    assert "<input" not in page
    assert "Преподаватель ____" in page


def test_overdue_page_lists_empty_cells_past_deadline(client, curator, teacher, journal):
    client.force_login(curator)
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)):
        services.record_grade(
            by=teacher,
            assessment=journal["assessment"],
            enrollment=journal["own"],
            text="5",
            expected_version=0,
        )
        response = client.get(reverse("gradebook:overdue"))
    lines = response.context["lines"]
    assert len(lines) == 1
    line = lines[0]
    assert (line.group, line.module, line.assessments, line.empty_cells) == (
        journal["group"],
        journal["module"],
        2,
        3,  # and the world's «Тест 1» of September, untouched
    )
    assert "Преподавательская Ирина" in line.teachers
    with time_machine.travel(dt.datetime(2026, 11, 12, 12, 0, tzinfo=dt.UTC)):
        (line,) = client.get(reverse("gradebook:overdue")).context["lines"]
        assert line.assessments == 1  # the November work is not due yet


def test_overdue_page_is_scoped(client, make_user, journal):
    from zachetka.core import roles

    client.force_login(make_user(role=roles.CURATOR))
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)):
        assert client.get(reverse("gradebook:overdue")).context["lines"] == []


def test_teacher_sees_only_the_modules_they_teach_on_the_overdue_page(client, teacher, world, journal):
    from zachetka.programs.models import TeachingAssignment

    colleague_module = journal["group"].program.modules.exclude(pk=journal["module"].pk).get()
    TeachingAssignment.objects.create(
        group=journal["group"], module=colleague_module, teacher=world["other_teacher"]
    )
    from zachetka.gradebook.models import Assessment, GradingScale

    Assessment.objects.create(
        group=journal["group"],
        module=colleague_module,
        held_on=dt.date(2026, 11, 1),
        due_on=dt.date(2026, 11, 4),
        title="Чужое",
        scale=GradingScale.objects.get(kind="five_point"),
        created_by=world["other_teacher"],
    )
    client.force_login(teacher)
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)):
        lines = client.get(reverse("gradebook:overdue")).context["lines"]
    assert {line.module for line in lines} == {journal["module"]}


def test_module_sheet_names_are_cut_at_a_word_and_unique():
    from zachetka.gradebook.export import _sheet_title

    used: set[str] = set()
    title = "Охрана труда при работе на высоте: общие требования"
    first = _sheet_title(1, title, used)
    assert first == "1. Охрана труда при работе на"
    assert len(first) <= 31 and ":" not in first
    # The same module title twice (a copy) still gets a sheet of its own.
    second = _sheet_title(1, title, used)
    assert second != first and second.endswith("(2)") and len(second) <= 31


def test_group_workbook_keeps_its_print_layout(client, teacher, journal, job_file):
    services.record_grade(
        by=teacher, assessment=journal["assessment"], enrollment=journal["own"], text="4", expected_version=0
    )
    client.force_login(teacher)
    response = job_file(client, reverse("gradebook:group_export_job", args=[journal["group"].pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "C5"  # the header and the names stay in view
        assert sheet.print_title_rows == "$4:$4"
        assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.oddFooter.center.text == "Стр. &P из &N"
        assert sheet.oddFooter.right.text.startswith("Подпись преподавателя")
        assert sheet["A1"].font.b and sheet.row_dimensions[4].height == 120
    sheet = workbook["1. Введение"]
    assert [sheet.cell(row=4, column=c).alignment.text_rotation for c in range(1, 6)] == [0, 0, 90, 90, 0]
    assert all(sheet.cell(row=4, column=c).font.b for c in range(1, 6))
    assert sheet["D6"].value == 4 and sheet["D6"].alignment.horizontal == "center"
    assert sheet["D6"].font.color is None or not str(sheet["D6"].font.color.rgb).endswith("B3261E")
    for row in sheet.iter_rows(min_row=4, max_row=6):
        for cell in row:
            assert cell.border.left.style == cell.border.bottom.style == "thin", cell.coordinate
    assert sheet["B5"].data_type == "s" and sheet["A5"].value == 1
