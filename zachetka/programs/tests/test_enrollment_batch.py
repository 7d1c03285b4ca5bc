"""Batch actions on a group's enrolments: a confirmation page, then all of them or none, one
audit event per enrolment, every refused learner named."""

import datetime as dt

import pytest
from django.urls import reverse

from zachetka.core.models import AuditEvent
from zachetka.programs import services
from zachetka.programs.models import Enrollment


@pytest.fixture
def trio(make_group, make_learner, make_enrollment):
    group = make_group()
    people = [
        make_learner(last_name="Алексеева", first_name="Анна", middle_name="Петровна", sex="F"),
        make_learner(last_name="Борисов", first_name="Борис", middle_name="Ильич"),
        make_learner(last_name="Васильева", first_name="Вера", middle_name="Олеговна", sex="F"),
    ]
    return group, [make_enrollment(learner, group) for learner in people]


def _post(client, group, **data):  # noqa: ANN001, ANN003, ANN202
    return client.post(reverse("programs:enrollment_batch", args=[group.pk]), data)


def _updates():  # noqa: ANN202
    return AuditEvent.objects.filter(action="enrollment.updated")


def test_the_group_page_offers_checkboxes_and_actions(client, registrar, trio):
    group, enrollments = trio
    client.force_login(registrar)
    page = client.get(group.get_absolute_url()).content.decode()
    assert page.count('name="enrollment"') == 3
    assert 'name="all" value="1"' in page and "выбрать всех" in page
    assert 'src="/static/js/select_all.js"' in page and "<script>" not in page
    assert reverse("programs:enrollment_batch", args=[group.pk]) in page


def test_a_curator_sees_no_batch_form(client, curator, trio):
    group, _ = trio
    group.curator = curator
    group.save()
    client.force_login(curator)
    page = client.get(group.get_absolute_url()).content.decode()
    assert 'name="enrollment"' not in page and "select_all.js" not in page


def test_admission_order_confirmed_then_applied_to_each(client, registrar, trio):
    group, enrollments = trio
    client.force_login(registrar)
    ids = [e.pk for e in enrollments[:2]]
    confirm = _post(client, group, action="admission_order", enrollment=ids)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Алексеева Анна Петровна" in page and "Борисов Борис Ильич" in page
    assert "Васильева" not in page
    assert "Применить к 2 слушателям" in page
    assert not _updates().exists()  # nothing written before confirmation
    done = _post(
        client,
        group,
        action="admission_order",
        confirm="1",
        enrollment=ids,
        order_number="12-з",
        order_date="01.09.2026",
        reason="Приказ подписан",
    )
    assert done.status_code == 302
    for enrollment in enrollments:
        enrollment.refresh_from_db()
    assert [(e.admission_order_number, e.admission_order_date) for e in enrollments] == [
        ("12-з", dt.date(2026, 9, 1)),
        ("12-з", dt.date(2026, 9, 1)),
        ("", None),
    ]
    events = _updates().opened()
    assert sorted(int(event.subject_id) for event in events) == sorted(ids)  # one event each
    assert all(event.reason == "Приказ подписан" for event in events)


def test_one_refusal_writes_nothing_and_names_the_learner(client, registrar, trio):
    group, enrollments = trio
    done = enrollments[2]
    done.status, done.completed_on, done.outcome = (
        Enrollment.Status.COMPLETED,
        dt.date(2026, 12, 20),
        "passed",
    )
    done.save()
    client.force_login(registrar)
    response = _post(
        client,
        group,
        action="expel",
        confirm="1",
        enrollment=[e.pk for e in enrollments],
        order_number="40-о",
        order_date="15.10.2026",
        expulsion_reason="по собственному желанию",
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Ничего не изменено" in page
    assert "Васильева Вера Олеговна: Нельзя перевести из статуса «обучение завершено» в «отчисление»." in page
    assert "Алексеева Анна Петровна:" not in page
    assert set(Enrollment.objects.values_list("status", flat=True)) == {"studying", "completed"}
    assert not Enrollment.objects.exclude(expulsion_order_number="").exists()
    assert not _updates().exists()


def test_every_refused_learner_is_named(client, registrar, trio):
    group, enrollments = trio
    client.force_login(registrar)
    response = _post(
        client,
        group,
        action="completion_order",
        confirm="1",
        enrollment=[e.pk for e in enrollments],
        order_number="90-в",
        order_date="25.12.2026",
    )
    problems = response.context["problems"]
    assert [problem.split(":")[0] for problem in problems] == [
        "Алексеева Анна Петровна",
        "Борисов Борис Ильич",
        "Васильева Вера Олеговна",
    ]
    assert "итоговой аттестации" in problems[0]
    assert not Enrollment.objects.exclude(completion_order_number="").exists()


def test_completion_order_for_those_who_completed(client, registrar, trio):
    group, enrollments = trio
    for enrollment in enrollments:
        services.complete_enrollment(
            by=registrar,
            enrollment=enrollment,
            completed_on=dt.date(2026, 12, 20),
            outcome="passed",
            reason="ИА",
        )
    client.force_login(registrar)
    _post(
        client,
        group,
        action="completion_order",
        confirm="1",
        all="1",
        order_number="90-в",
        order_date="25.12.2026",
    )
    assert set(Enrollment.objects.values_list("completion_order_number", "completion_order_date")) == {
        ("90-в", dt.date(2026, 12, 25))
    }


def test_select_all_without_javascript_takes_everyone_listed(client, registrar, trio):
    group, enrollments = trio
    on_leave = enrollments[0]
    on_leave.status = Enrollment.Status.ACADEMIC_LEAVE
    on_leave.save()
    client.force_login(registrar)
    # The page was filtered to those studying: «выбрать всех» means the two it listed.
    response = _post(client, group, action="leave", all="1", status="studying")
    assert [e.pk for e in response.context["chosen"]] == [e.pk for e in enrollments[1:]]
    _post(client, group, action="leave", confirm="1", enrollment=[e.pk for e in enrollments[1:]])
    assert set(Enrollment.objects.values_list("status", flat=True)) == {"leave"}
    assert _updates().count() == 2


def test_expulsion_needs_order_and_reason(client, registrar, trio):
    group, enrollments = trio
    client.force_login(registrar)
    response = _post(client, group, action="expel", confirm="1", enrollment=[enrollments[0].pk])
    errors = response.context["form"].errors
    assert errors["order_number"] == ["Укажите номер приказа об отчислении."]
    assert errors["order_date"] == ["Укажите дату приказа об отчислении."]
    assert errors["expulsion_reason"] == ["Укажите основание отчисления."]
    assert Enrollment.objects.filter(status="expelled").count() == 0


def test_return_after_expulsion_needs_a_reason(client, registrar, trio):
    group, enrollments = trio
    client.force_login(registrar)
    ids = [e.pk for e in enrollments[:2]]
    _post(
        client,
        group,
        action="expel",
        confirm="1",
        enrollment=ids,
        order_number="40-о",
        order_date="15.10.2026",
        expulsion_reason="по собственному желанию",
    )
    assert Enrollment.objects.filter(status="expelled").count() == 2
    refused = _post(client, group, action="resume", confirm="1", enrollment=ids)
    assert (
        "Алексеева Анна Петровна: Восстановление после завершения или отчисления" in refused.content.decode()
    )
    assert Enrollment.objects.filter(status="expelled").count() == 2
    _post(client, group, action="resume", confirm="1", enrollment=ids, reason="Приказ о восстановлении № 3")
    assert Enrollment.objects.filter(status="studying").count() == 3


def test_an_enrolment_of_another_group_is_not_taken(
    client, registrar, trio, make_group, make_learner, make_enrollment
):
    group, enrollments = trio
    stranger = make_enrollment(make_learner(last_name="Чужой"), make_group())
    client.force_login(registrar)
    _post(
        client,
        group,
        action="leave",
        confirm="1",
        enrollment=[enrollments[0].pk, stranger.pk],
    )
    stranger.refresh_from_db()
    assert stranger.status == "studying"
    assert Enrollment.objects.get(pk=enrollments[0].pk).status == "leave"


def test_nothing_ticked_or_no_action_is_refused_with_a_message(client, registrar, trio):
    group, enrollments = trio
    client.force_login(registrar)
    response = _post(client, group, action="leave")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Отметьте слушателей" in page
    response = _post(client, group, enrollment=[enrollments[0].pk])
    assert "Выберите действие" in client.get(response.url).content.decode()


def test_service_refuses_ids_outside_the_group(registrar, trio, make_group, make_learner, make_enrollment):
    group, enrollments = trio
    stranger = make_enrollment(make_learner(), make_group())
    with pytest.raises(Exception, match="Не все выбранные зачисления найдены"):
        services.update_enrollments(
            by=registrar, group=group, enrollment_ids=[enrollments[0].pk, stranger.pk], status="leave"
        )
    assert not Enrollment.objects.filter(status="leave").exists()
