"""The learner's fields that go into documents and ФИС ФРДО — the diploma's surname, series
and number, the legal representative — are checked like names and numbers on the form, in the
service and in the model, so no formula, markup or control character reaches an export."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zachetka.people import services
from zachetka.people.models import Learner

from .test_learner_pages import _form_data

HOSTILE = [
    ("diploma_last_name", '=HYPERLINK("http://evil","x")'),
    ("diploma_last_name", "Иванова\x07"),
    ("diploma_series", "=1+2"),
    ("diploma_series", "@SUM(A1)"),
    ("diploma_series", "-ВСГ"),
    ("diploma_number", "+79123456"),
    ("diploma_number", "123<script>"),
    ("diploma_number", "0123\x00456"),
    ("representative_name", '=HYPERLINK("http://evil","x")'),
    ("representative_name", "<b>Иванова</b> Мария"),
    ("representative_name", "Иванова Мария\x1b[2J"),
    ("representative_name", "Иванова " + "а" * 150),
    ("representative_kind", "=мать"),
    ("representative_kind", "мать\x7f"),
    ("representative_phone", "=HYPERLINK(1)"),
]
IDS = [f"{field}-{n}" for n, (field, _) in enumerate(HOSTILE)]


@pytest.mark.parametrize(("field", "value"), HOSTILE, ids=IDS)
def test_the_form_refuses_it_on_its_field(client, registrar, make_learner, field, value):
    learner = make_learner(last_name="Иванова", first_name="Мария", sex="F", snils="11223344595")
    client.force_login(registrar)
    response = client.post(
        reverse("people:learner_edit", args=[learner.pk]), _form_data(learner, **{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    learner.refresh_from_db()
    assert getattr(learner, field) == "" and learner.version == 1


@pytest.mark.parametrize(("field", "value"), HOSTILE, ids=IDS)
def test_the_model_refuses_it(make_learner, field, value):
    learner = make_learner()
    setattr(learner, field, value)
    with pytest.raises(ValidationError) as refused:
        learner.full_clean()
    assert list(refused.value.message_dict) == [field]


def test_the_service_refuses_it_when_creating(registrar):
    with pytest.raises(ValidationError) as refused:
        services.create_learner(
            by=registrar,
            last_name="Иванова",
            first_name="Мария",
            birth_date=dt.date(1988, 4, 12),
            sex="F",
            diploma_series="=1+2",
            representative_name="<script>alert(1)</script>",
        )
    assert set(refused.value.message_dict) == {"diploma_series", "representative_name"}
    assert "буквы, цифры, пробел и дефис" in refused.value.message_dict["diploma_series"][0]
    assert not Learner.objects.exists()


def test_what_documents_really_hold_is_accepted_and_tidied(client, registrar, make_learner):
    learner = make_learner(last_name="Иванова", first_name="Мария", sex="F", snils="11223344595")
    client.force_login(registrar)
    data = _form_data(
        learner,
        diploma_last_name="Петрова-Водкина",
        diploma_series=" 1077 04 ",
        diploma_number="0123456",
        representative_name="Иванова  Ольга\tПетровна",
        representative_kind="законный представитель",
        representative_phone="+7 912 345-67-89",
    )
    response = client.post(reverse("people:learner_edit", args=[learner.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    learner.refresh_from_db()
    assert (learner.diploma_series, learner.diploma_number) == ("1077 04", "0123456")
    assert learner.representative_name == "Иванова Ольга Петровна"
