"""The grid page's data: one JSON payload with the grade rows as lists, safe inside <script>."""

import datetime as dt
import json
import re

import time_machine
from django.urls import reverse

from zachetka.gradebook import services
from zachetka.gradebook.models import Grade

BEFORE_DEADLINE = dt.datetime(2026, 11, 11, 12, 0, tzinfo=dt.UTC)  # due 13.11.2026


def _payload(client, journal) -> dict:  # noqa: ANN001
    page = client.get(reverse("gradebook:grid", args=[journal["group"].pk, journal["module"].pk]))
    assert page.status_code == 200
    [text] = re.findall(
        r'<script type="application/json" id="grid-data">(.*?)</script>', page.content.decode()
    )
    return json.loads(text)


@time_machine.travel(BEFORE_DEADLINE)
def test_the_payload_lists_every_grade_with_its_row_and_column(client, teacher, journal):
    services.record_grade(
        by=teacher, assessment=journal["assessment"], enrollment=journal["own"], text="5", expected_version=0
    )
    services.record_grade(
        by=teacher,
        assessment=journal["assessment"],
        enrollment=journal["classmate"],
        text="н",
        expected_version=0,
    )
    client.force_login(teacher)
    data = _payload(client, journal)
    assert data["editable"] is True
    assert [column["title"] for column in data["columns"]][-1] == "Практическая работа 1"
    cells = data["cells"]
    by_enrollment = {
        e: (a, value, points, version, by, flags)
        for e, a, value, points, version, by, flags in zip(
            cells["enrollment"],
            cells["assessment"],
            cells["value"],
            cells["points"],
            cells["version"],
            cells["by"],
            cells["flags"],
            strict=True,
        )
        if a == journal["assessment"].pk
    }
    grade = Grade.objects.get(assessment=journal["assessment"], enrollment=journal["own"])
    assert by_enrollment[journal["own"].pk] == (
        journal["assessment"].pk,
        "5",
        100,
        grade.version,
        teacher.pk,
        1,
    )
    assert by_enrollment[journal["classmate"].pk][1:3] == ("н/я", 0)
    assert by_enrollment[journal["classmate"].pk][5] == 2  # «н/я»: absent, not passing
    assert data["authors"] == {str(teacher.pk): "Преподавательская Ирина"}
    # Rows in the grid's order: Петров, then Смирнова; both studying, gradable, owing grades.
    assert [row[0] for row in data["rows"]] == [journal["classmate"].pk, journal["own"].pk]
    assert [row[2:] for row in data["rows"]] == [["", "studying", 1, 1], ["", "studying", 1, 1]]


@time_machine.travel(BEFORE_DEADLINE)
def test_text_that_could_end_the_script_element_is_escaped(client, teacher, journal):
    services.update_assessment(
        by=teacher,
        assessment=journal["assessment"],
        expected_version=journal["assessment"].version,
        title="Тест </script><script>alert(1)</script>",
    )
    client.force_login(teacher)
    page = client.get(reverse("gradebook:grid", args=[journal["group"].pk, journal["module"].pk]))
    assert b"<script>alert(1)" not in page.content
    assert _payload(client, journal)["columns"][-1]["title"] == "Тест </script><script>alert(1)</script>"


def test_an_empty_gradebook_has_empty_lists(client, teacher, journal):
    Grade.objects.all().delete()
    client.force_login(teacher)
    cells = _payload(client, journal)["cells"]
    assert cells["enrollment"] == [] and cells["value"] == []
