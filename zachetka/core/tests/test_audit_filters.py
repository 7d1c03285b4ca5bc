"""The audit page's filters, names, local times and its XLSX export."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from zachetka.core import audit, sealing
from zachetka.core.models import AuditEvent

UTC = dt.UTC


def _record(by, *, at: dt.datetime, action: str = audit.Action.LEARNER_UPDATED, **shape) -> AuditEvent:
    with time_machine.travel(at, tick=False):
        return audit.record(by=by, action=action, **shape)


@pytest.fixture
def trail(director, registrar, teacher, make_learner):
    """Three events: the registrar edits a learner late on 29 October UTC (30 October in
    Moscow), the director edits another on 1 November, the teacher fills grades on 2 November."""
    smirnova = make_learner(last_name="Смирнова", first_name="Анна", middle_name="Сергеевна", sex="F")
    petrov = make_learner(last_name="Петров", first_name="Пётр", middle_name="Петрович")
    late = _record(
        registrar,
        at=dt.datetime(2026, 10, 29, 21, 30, tzinfo=UTC),
        subject=smirnova,
        before={"last_name": "Смирнова", "birth_date": "1990-01-02"},
        after={"last_name": "Иванова", "birth_date": "1990-02-01"},
        reason="Заявление",
    )
    early = _record(
        director,
        at=dt.datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
        subject=petrov,
        before={"phone": ""},
        after={"phone": "+7 900 000-00-00"},
    )
    grades = _record(
        teacher,
        at=dt.datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        action=audit.Action.GRADES_FILLED,
        extra={"value": "зачтено", "cells": 3},
    )
    return {"smirnova": smirnova, "petrov": petrov, "late": late, "early": early, "grades": grades}


def _page(client, **params) -> str:
    response = client.get(reverse("core:audit_list"), params)
    assert response.status_code == 200
    return response.content.decode()


def _seqs(client, **params) -> set[int]:
    response = client.get(reverse("core:audit_list"), params)
    assert response.status_code == 200
    return {line.seq for line in response.context["page"]}


def test_people_by_full_name_times_local_fields_in_russian(client, director, trail):
    client.force_login(director)
    page = _page(client, learner=str(trail["smirnova"].pk))
    assert "Учётова Марина" in page  # the registrar, not «registrar»
    assert ">registrar<" not in page
    assert "30.10.2026 00:30" in page  # 21:30 UTC is 00:30 in Moscow
    assert "фамилия: <del>Смирнова</del> → <ins>Иванова</ins>" in page
    assert "дата рождения: <del>02.01.1990</del> → <ins>01.02.1990</ins>" in page
    assert "last_name" not in page


def test_days_are_the_centres_days(client, director, trail):
    client.force_login(director)
    # The late event is on 29 October in UTC but on 30 October in the centre.
    assert _seqs(client, since="30.10.2026", until="30.10.2026") == {trail["late"].seq}
    assert trail["late"].seq not in _seqs(client, since="01.10.2026", until="29.10.2026")
    assert _seqs(client, since="01.11.2026", until="02.11.2026") == {trail["early"].seq, trail["grades"].seq}


def test_reversed_period_is_refused_naming_the_field(client, director, trail):
    client.force_login(director)
    response = client.get(reverse("core:audit_list"), {"since": "10.11.2026", "until": "01.11.2026"})
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "По: Дата «по» раньше даты «с»." in response.content.decode()
    response = client.get(reverse("core:audit_list"), {"since": "31.02.2026"})
    assert "С: " in response.content.decode() and response.context["page"] is None


def test_filter_by_staff_member_listed_by_full_name(client, director, teacher, trail):
    client.force_login(director)
    page = _page(client)
    assert f'<option value="{teacher.pk}">Преподавательская Ирина</option>' in page
    assert _seqs(client, actor=teacher.pk) == {trail["grades"].seq}


def test_filter_by_object_and_by_learner(client, director, trail):
    client.force_login(director)
    petrov = trail["petrov"]
    assert _seqs(client, subject_type="people.learner") == {trail["late"].seq, trail["early"].seq}
    assert _seqs(client, subject_type="people.learner", subject_id=str(petrov.pk)) == {trail["early"].seq}
    assert _seqs(client, learner="петров") == {trail["early"].seq}
    assert _seqs(client, learner=str(trail["smirnova"].pk)) == {trail["late"].seq}
    assert '<option value="people.learner">слушатель</option>' in _page(client)


def test_destroyed_learner_shows_sealed_data_as_destroyed(client, director, trail):
    sealing.forget(trail["smirnova"].pk)
    client.force_login(director)
    response = client.get(reverse("core:audit_list"), {"learner": str(trail["smirnova"].pk)})
    [line] = response.context["page"]
    assert line.is_destroyed and line.subject == "сведения уничтожены"
    page = response.content.decode()
    assert "сведения уничтожены" in page
    assert "Иванова" not in page and "Заявление" not in page


def test_query_count_does_not_grow_with_actors(
    client, director, make_user, trail, django_assert_max_num_queries
):
    client.force_login(director)
    client.get(reverse("core:audit_list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("core:audit_list"))
    for n in range(15):
        actor = make_user(f"staff{n}", role="Административный персонал")
        _record(
            actor,
            at=dt.datetime(2026, 11, 3, 9, n, tzinfo=UTC),
            subject=trail["petrov"],
            after={"phone": str(n)},
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("core:audit_list"))


def test_xlsx_export_of_the_filtered_events(client, director, trail):
    client.force_login(director)
    response = client.get(reverse("core:audit_list_xlsx"), {"since": "29.10.2026", "until": "31.10.2026"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Журнал аудита"
    assert [cell.value for cell in sheet[3]] == [
        "№",
        "Дата и время",
        "Кто",
        "IP-адрес",
        "Действие",
        "Объект",
        "Данные",
        "Основание",
    ]
    rows = list(sheet.iter_rows(min_row=4))
    assert len(rows) == 1
    number, when, who, _, action, subject, data, reason = rows[0]
    assert number.value == trail["late"].seq and number.data_type == "n"
    # Spreadsheets know no zones: the local wall time is stored.
    assert when.is_date and when.value == dt.datetime(2026, 10, 30, 0, 30)  # noqa: DTZ001
    assert who.value == "Учётова Марина"
    assert action.value == audit.ACTION_LABELS[audit.Action.LEARNER_UPDATED]
    assert "фамилия: Смирнова → Иванова" in data.value.splitlines()
    assert reason.value == "Заявление"
    assert "С: 29.10.2026" in sheet["A2"].value
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            assert cell.data_type != "f"
            width = sheet.column_dimensions[cell.column_letter].width
            longest = max(len(line) for line in str(cell.value or "").splitlines() or [""])
            if cell.is_date:
                longest = len("ДД.ММ.ГГГГ ЧЧ:ММ")
            assert longest <= width or cell.alignment.wrap_text


def test_xlsx_export_is_marked_in_the_access_log(client, director, trail):
    from zachetka.accesslog.models import AccessRecord

    client.force_login(director)
    client.get(reverse("core:audit_list_xlsx"), {"learner": str(trail["smirnova"].pk)})
    record = AccessRecord.objects.get(view_name="core:audit_list_xlsx")
    assert record.learners == [trail["smirnova"].pk]


def test_bad_filter_on_export_returns_to_the_page_with_a_message(client, director, trail):
    client.force_login(director)
    response = client.get(
        reverse("core:audit_list_xlsx"), {"since": "10.11.2026", "until": "01.11.2026"}, follow=True
    )
    assert response.redirect_chain[0][0].startswith(reverse("core:audit_list"))
    assert "Дата «по» раньше даты «с»." in response.content.decode()


@pytest.mark.parametrize("who", ["registrar", "curator", "teacher", "learner_user"])
def test_only_administration_exports(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("core:audit_list_xlsx")).status_code == 403


def test_fields_without_a_subject_are_named_from_the_models(client, director, teacher):
    """A corrected grade is recorded without a subject: its fields are still named by the
    models' verbose names (Grade.value «оценка», Grade.assessment «мероприятие», named by its
    title where the row still exists)."""
    event = _record(
        teacher,
        at=dt.datetime(2026, 10, 5, 9, 0, tzinfo=UTC),
        action=audit.Action.GRADE_CORRECTED,
        before={"value": "4"},
        after={"value": "5", "assessment": 42},
        reason="Пересдача",
    )
    client.force_login(director)
    response = client.get(reverse("core:audit_list"), {"action": audit.Action.GRADE_CORRECTED})
    [line] = response.context["page"]
    assert line.seq == event.seq
    assert {row["label"] for row in line.rows} == {"оценка", "мероприятие"}
    assert "оценка: <del>4</del> → <ins>5</ins>" in response.content.decode()


def test_words_find_a_person_by_surname_as_by_login(client, director, trail):
    client.force_login(director)
    assert _seqs(client, q="Учётова") == {trail["late"].seq}
    assert _seqs(client, q="registrar") == {trail["late"].seq}
