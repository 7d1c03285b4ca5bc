"""The learners import asks for the admission order and writes it into every enrolment it
creates; a half-given order, or an order without a group, is refused naming the field."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from zachetka.core.models import AuditEvent
from zachetka.people.models import Learner
from zachetka.programs.models import Enrollment

CSV = (
    "Фамилия;Имя;Отчество;Дата рождения;Пол\r\n"
    "Иванов;Иван;Иванович;15.03.1985;М\r\n"
    "Петрова;Мария;Сергеевна;02.07.1990;Ж\r\n"
    "Сидоров;Олег;;30.11.1979;М\r\n"
).encode()


def _upload(client, **data):  # noqa: ANN001, ANN003, ANN202
    return client.post(reverse("web:learner_import"), {"file": SimpleUploadedFile("l.csv", CSV), **data})


def test_the_order_goes_into_every_enrolment_created(
    client, registrar, make_group, make_learner, make_enrollment
):
    group = make_group()
    # Already in the group under another order: the import leaves that enrolment alone.
    known = make_learner(
        last_name="Сидоров", first_name="Олег", middle_name="", birth_date=dt.date(1979, 11, 30)
    )
    earlier = make_enrollment(
        known, group, admission_order_number="1-з", admission_order_date=dt.date(2026, 8, 1)
    )
    client.force_login(registrar)
    preview = _upload(
        client, group=group.pk, admission_order_number="17-з", admission_order_date="25.08.2026"
    )
    assert preview.status_code == 200
    assert "по приказу о зачислении № 17-з от 25.08.2026" in preview.content.decode()
    done = client.post(
        reverse("web:learner_import_confirm"), {"token": preview.context["token"]}, follow=True
    )
    assert "приказ о зачислении № 17-з от 25.08.2026" in done.content.decode()
    created = Enrollment.objects.filter(group=group).exclude(pk=earlier.pk)
    assert created.count() == 2
    assert {(e.admission_order_number, e.admission_order_date) for e in created} == {
        ("17-з", dt.date(2026, 8, 25))
    }
    earlier.refresh_from_db()
    assert (earlier.admission_order_number, earlier.admission_order_date) == ("1-з", dt.date(2026, 8, 1))
    # The audit trail records the order in each created enrolment.
    events = AuditEvent.objects.filter(action="enrollment.created").opened()
    assert len(events) == 2
    assert all(event.data["after"]["admission_order_number"] == "17-з" for event in events)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"admission_order_number": "17-з"}, "admission_order_date", "Укажите дату приказа о зачислении."),
        (
            {"admission_order_date": "25.08.2026"},
            "admission_order_number",
            "Укажите номер приказа о зачислении.",
        ),
        ({"admission_order_date": "31.02.2026", "admission_order_number": "1"}, "admission_order_date", ""),
        (
            {"admission_order_date": "25.08.2027", "admission_order_number": "1"},
            "admission_order_date",
            "позже окончания обучения группы",
        ),
    ],
)
def test_a_half_given_or_impossible_order_is_refused(client, registrar, make_group, data, field, message):
    group = make_group()
    client.force_login(registrar)
    response = _upload(client, group=group.pk, **data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert Learner.objects.count() == 0 and "token" not in response.context


def test_an_order_without_a_group_is_refused(client, registrar):
    client.force_login(registrar)
    response = _upload(client, admission_order_number="17-з", admission_order_date="25.08.2026")
    assert "выберите группу" in " ".join(response.context["form"].errors["group"])
    assert Learner.objects.count() == 0


def test_the_command_applies_the_order(tmp_path, registrar, make_group):
    group = make_group()
    path = tmp_path / "l.csv"
    path.write_bytes(CSV)
    call_command(
        "import_learners",
        str(path),
        "--as-user",
        registrar.username,
        "--group",
        group.code,
        "--order-number",
        "5-з",
        "--order-date",
        "20.08.2026",
    )
    assert set(Enrollment.objects.values_list("admission_order_number", "admission_order_date")) == {
        ("5-з", dt.date(2026, 8, 20))
    }


def test_the_command_refuses_half_an_order_and_writes_nothing(tmp_path, registrar, make_group):
    group = make_group()
    path = tmp_path / "l.csv"
    path.write_bytes(CSV)
    with pytest.raises(CommandError, match="дату приказа о зачислении"):
        call_command(
            "import_learners",
            str(path),
            "--as-user",
            registrar.username,
            "--group",
            group.code,
            "--order-number",
            "5-з",
        )
    assert Learner.objects.count() == 0 and Enrollment.objects.count() == 0
