import datetime as dt

import pytest
from django.urls import reverse

from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.people import services
from zachetka.people.models import Learner


def _form_data(learner: Learner | None = None, **changes: str) -> dict:
    data = {
        "last_name": "Иванова",
        "first_name": "Мария",
        "middle_name": "Петровна",
        "birth_date": "12.04.1988",
        "sex": "F",
        "snils": "112-233-445 95",
        "citizenship": "643",
        "email": "",
        "phone": "",
        "education_level": "",
        "diploma_last_name": "",
        "diploma_series": "",
        "diploma_number": "",
        "representative_name": "",
        "representative_kind": "",
        "representative_phone": "",
        "representative_email": "",
    }
    if learner is not None:
        data["version"] = str(learner.version)
    data.update(changes)
    return data


@pytest.mark.parametrize("query", ["иванов", "ИВАНОВ", "Иванов", "ива", "иванова мария", "112-233"])
def test_search_is_case_insensitive_for_cyrillic(client, registrar, make_learner, query):
    wanted = make_learner(
        last_name="Иванова", first_name="Мария", middle_name="Петровна", sex="F", snils="11223344595"
    )
    make_learner(last_name="Петров", first_name="Пётр", middle_name="Сергеевич")
    client.force_login(registrar)
    response = client.get(reverse("web:learner_list"), {"q": query})
    assert list(response.context["page"].object_list) == [wanted]


def test_search_folds_yo(client, registrar, make_learner):
    wanted = make_learner(last_name="Ёлкин", first_name="Семён")
    client.force_login(registrar)
    response = client.get(reverse("web:learner_list"), {"q": "елкин семен"})
    assert list(response.context["page"].object_list) == [wanted]


def test_list_filters_by_group_and_status(client, registrar, world):
    client.force_login(registrar)
    response = client.get(reverse("web:learner_list"), {"group": world["mine"].pk})
    assert set(response.context["page"].object_list) == {world["own"], world["classmate"]}


def test_list_query_count_does_not_grow_with_rows(
    client, registrar, make_learner, django_assert_max_num_queries
):
    for n in range(40):
        make_learner(last_name=f"Фамилия{'а' * (n % 5)}", first_name="Имя")
    client.force_login(registrar)
    with django_assert_max_num_queries(12):
        client.get(reverse("web:learner_list"))


def test_create_shows_field_errors_in_russian(client, registrar):
    client.force_login(registrar)
    data = _form_data(snils="112-233-445 96", birth_date="31.02.1990", last_name="")
    response = client.post(reverse("people:learner_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "Неверная контрольная сумма СНИЛС" in form.errors["snils"][0]
    assert "birth_date" in form.errors and "last_name" in form.errors
    assert Learner.objects.count() == 0


def test_create_stores_normalised_snils_and_audits(client, registrar):
    client.force_login(registrar)
    response = client.post(reverse("people:learner_create"), _form_data())
    learner = Learner.objects.get()
    assert response.status_code == 302 and response.url == learner.get_absolute_url()
    assert learner.snils == "11223344595"
    assert learner.birth_date == dt.date(1988, 4, 12)
    page = client.get(learner.get_absolute_url()).content.decode()
    assert "112-233-445 95" in page and "12.04.1988" in page
    assert AuditEvent.objects.filter(action=audit.Action.LEARNER_CREATED, subject_id=str(learner.pk)).exists()


def test_duplicate_snils_is_refused_on_the_field(client, registrar, make_learner):
    other = make_learner(snils="11223344595")
    client.force_login(registrar)
    response = client.post(reverse("people:learner_create"), _form_data())
    assert f"уже указан у слушателя {other.full_name}" in response.context["form"].errors["snils"][0]


def test_future_birth_date_is_refused(client, registrar):
    client.force_login(registrar)
    response = client.post(reverse("people:learner_create"), _form_data(birth_date="01.01.2999"))
    assert "не может быть в будущем" in response.context["form"].errors["birth_date"][0]


def test_edit_keeps_old_value_who_and_why(client, registrar, make_learner):
    learner = make_learner(
        last_name="Иванова",
        first_name="Мария",
        middle_name="Петровна",
        birth_date=dt.date(1988, 4, 12),
        sex="F",
        snils="11223344595",
    )
    client.force_login(registrar)
    data = _form_data(learner, last_name="Петрова", reason="Смена фамилии: свидетельство о браке")
    assert client.post(reverse("people:learner_edit", args=[learner.pk]), data).status_code == 302
    learner.refresh_from_db()
    assert learner.last_name == "Петрова" and learner.version == 2
    [event] = AuditEvent.objects.about(learner).filter(action=audit.Action.LEARNER_UPDATED).opened()
    assert event.data == {"before": {"last_name": "Иванова"}, "after": {"last_name": "Петрова"}}
    assert event.reason == "Смена фамилии: свидетельство о браке"
    assert event.actor_id == registrar.pk


def test_concurrent_edit_is_detected_not_overwritten(client, registrar, director, make_learner):
    learner = make_learner(last_name="Иванова", first_name="Мария", sex="F", snils="11223344595")
    stale = _form_data(learner, phone="+7 900 111-11-11")
    services.update_learner(
        by=director, learner=Learner.objects.get(pk=learner.pk), expected_version=1, email="new@example.ru"
    )
    client.force_login(registrar)
    response = client.post(reverse("people:learner_edit", args=[learner.pk]), stale)
    assert response.status_code == 200
    assert "уже изменил другой пользователь" in response.content.decode()
    learner.refresh_from_db()
    assert learner.email == "new@example.ru" and learner.phone == ""


def test_history_speaks_russian(client, registrar, make_learner):
    learner = make_learner(
        last_name="Иванова",
        first_name="Мария",
        middle_name="Петровна",
        birth_date=dt.date(1988, 4, 12),
        sex="F",
        snils="11223344595",
    )
    services.update_learner(
        by=registrar,
        learner=learner,
        expected_version=1,
        sex="M",
        birth_date=dt.date(1988, 4, 13),
        reason="Ошибка в анкете",
    )
    client.force_login(registrar)
    page = client.get(learner.get_absolute_url()).content.decode()
    assert "пол: <del>женский</del> → <ins>мужской</ins>" in page
    assert "дата рождения: <del>12.04.1988</del> → <ins>13.04.1988</ins>" in page
    assert "Ошибка в анкете" in page
