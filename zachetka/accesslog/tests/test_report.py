"""The registry's page and XLSX «who looked at this learner in this period», and a learner's
own extract from the cabinet."""

import datetime as dt
from io import BytesIO

import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zachetka.accesslog.models import AccessRecord
from zachetka.core.audit import Action
from zachetka.core.models import AuditEvent


def _at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, tzinfo=timezone.get_current_timezone())


def _visits(client, world, director, curator, teacher) -> None:  # noqa: ANN001
    """Who opened what, on which October day."""
    module = world["mine"].program.modules.first()
    visits = [
        (_at(1), director, reverse("web:learner_detail", args=[world["classmate"].pk])),
        (_at(5), curator, reverse("programs:group_detail", args=[world["mine"].pk])),
        (_at(10), teacher, reverse("gradebook:grid", args=[world["mine"].pk, module.pk])),
        (_at(10, 23), director, reverse("web:learner_detail", args=[world["stranger"].pk])),
        (_at(20), curator, reverse("cards:card", args=[world["enrollments"]["own"].pk])),
    ]
    for when, user, url in visits:
        with time_machine.travel(when, tick=False):
            client.force_login(user)
            assert client.get(url).status_code == 200


def _sheet_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(BytesIO(content)).active
    return [row for row in sheet.iter_rows(min_row=5, values_only=True)]


def test_report_answers_for_the_period(client, world, director, registrar, curator, teacher):
    _visits(client, world, director, curator, teacher)
    client.force_login(registrar)
    url = reverse("accesslog:learner_report", args=[world["classmate"].pk])
    page = client.get(url, {"since": "02.10.2026", "until": "10.10.2026"}).content.decode()
    assert "Кураторов Павел (Куратор программы)" in page
    assert "Преподавательская Ирина (Педагогический работник)" in page
    assert "журнал оценок группы" in page
    assert "Директорова" not in page  # 1 October: outside the period
    assert "2 обращения" in page
    response = client.get(
        reverse("accesslog:learner_report_xlsx", args=[world["classmate"].pk]),
        {"since": "01.10.2026", "until": "31.10.2026"},
    )
    rows = _sheet_rows(response.content)
    # Times are spreadsheet dates (local wall time, to the second), so they sort and filter.
    assert [row[0] for row in rows] == [
        dt.datetime(2026, 10, day, 12, 0)  # noqa: DTZ001 - spreadsheets know no zones
        for day in (1, 5, 10)
    ]
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["A5"].number_format == "DD.MM.YYYY HH:MM:SS"
    assert [row[1] for row in rows] == [
        "Директорова Ольга (Администрация)",
        "Кураторов Павел (Куратор программы)",
        "Преподавательская Ирина (Педагогический работник)",
    ]
    # Text stays text; the time is a date cell shown as ДД.ММ.ГГГГ ЧЧ:ММ:СС, never a formula.
    assert sheet.cell(row=5, column=1).is_date
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.column_dimensions["B"].width >= len("Преподавательская Ирина (Педагогический работник)")


def test_report_refuses_a_reversed_period(client, world, registrar):
    client.force_login(registrar)
    url = reverse("accesslog:learner_report", args=[world["classmate"].pk])
    page = client.get(url, {"since": "10.10.2026", "until": "01.10.2026"}).content.decode()
    assert "Дата «по» раньше даты «с»." in page
    assert "обращени" not in page


def test_reading_the_report_is_itself_logged(client, world, registrar):
    client.force_login(registrar)
    client.get(reverse("accesslog:learner_report", args=[world["classmate"].pk]))
    record = AccessRecord.objects.get()
    assert (record.view_name, record.learners) == ("accesslog:learner_report", [world["classmate"].pk])


def test_search_finds_the_learner(client, world, registrar):
    client.force_login(registrar)
    page = client.get(reverse("accesslog:index"), {"q": "петров"}).content.decode()
    assert "Петров Пётр Петрович" in page
    assert "Сидорова" not in page


def test_cabinet_extract_shows_only_the_learners_own_records(
    client, world, director, curator, teacher, learner_user
):
    _visits(client, world, director, curator, teacher)
    client.force_login(learner_user)
    page = client.get(reverse("cabinet:cabinet")).content.decode()
    assert reverse("accesslog:cabinet_extract") in page
    with time_machine.travel(_at(30), tick=False):
        response = client.post(reverse("accesslog:cabinet_extract"), {"since": "", "until": ""})
    assert response.status_code == 200
    rows = _sheet_rows(response.content)
    # Смирнова is in the group (5 and 10 October) and her own card was opened (20 October);
    # Петров's page (1 October) and Сидорова's (10 October) are not hers.
    assert [(row[0].date(), row[1]) for row in rows] == [
        (dt.date(2026, 10, 5), "Кураторов Павел (Куратор программы)"),
        (dt.date(2026, 10, 10), "Преподавательская Ирина (Педагогический работник)"),
        (dt.date(2026, 10, 20), "Кураторов Павел (Куратор программы)"),
    ]
    assert all("curator" not in row[1] and "teacher" not in row[1] for row in rows)  # no logins
    event = AuditEvent.objects.get(action=Action.ACCESS_EXTRACT_ISSUED)
    assert event.actor_id == learner_user.pk
    assert event.learner_id == world["own"].pk


def test_cabinet_extract_refuses_a_bad_date(client, world, learner_user):
    client.force_login(learner_user)
    response = client.post(
        reverse("accesslog:cabinet_extract"), {"since": "31.02.2026", "until": ""}, follow=True
    )
    assert "С: Введите правильную дату." in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.ACCESS_EXTRACT_ISSUED).exists()
