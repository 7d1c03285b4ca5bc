"""Dates typed on a phone: every date field reads ДД.ММ.ГГГГ, the digits alone (ДДММГГГГ), other
separators a number pad offers, and ISO; what is not a date is refused naming the field."""

import datetime as dt

import pytest
from django.urls import reverse

from zachetka.accesslog.forms import PeriodForm
from zachetka.core import dates
from zachetka.core.forms import RussianDateInput


@pytest.mark.parametrize(
    "typed",
    [
        "01.09.2026",
        "01092026",
        "1.9.2026",
        "01,09,2026",
        "01/09/2026",
        "01-09-2026",
        "01 09 2026",
        "2026-09-01",
    ],
)
def test_a_date_typed_any_way_a_phone_allows_reads_the_same(typed):
    assert dates.parse_date(f" {typed} ") == dt.date(2026, 9, 1)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31022026", "такой даты не существует"),
        ("31.02.2026", "такой даты не существует"),
        ("0109202", "не дата в формате ДД.ММ.ГГГГ"),
        ("010926", "не дата в формате ДД.ММ.ГГГГ"),
        ("1.9.26", "не дата в формате ДД.ММ.ГГГГ"),
    ],
)
def test_what_is_not_a_date_is_refused(typed, message):
    with pytest.raises(dates.DateParseError, match=message):
        dates.parse_date(typed)


def test_the_date_widget_hands_the_field_a_dotted_date():
    widget = RussianDateInput()
    assert widget.value_from_datadict({"d": "20112026"}, {}, "d") == "20.11.2026"
    assert widget.value_from_datadict({"d": "2026-11-20"}, {}, "d") == "20.11.2026"
    assert widget.value_from_datadict({"d": "вчера"}, {}, "d") == "вчера"  # left to the field
    assert widget.value_from_datadict({}, {}, "d") is None
    html = widget.render("d", dt.date(2026, 11, 20))
    assert 'value="20.11.2026"' in html and 'inputmode="numeric"' in html


def test_a_form_reads_digits_only_and_refuses_a_bad_date_naming_the_field():
    form = PeriodForm({"since": "01092026", "until": "30.11.2026"})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["since"], form.cleaned_data["until"]) == (
        dt.date(2026, 9, 1),
        dt.date(2026, 11, 30),
    )
    refused = PeriodForm({"since": "31022026", "until": ""})
    assert not refused.is_valid()
    assert refused.errors["since"] == ["Введите правильную дату."]


@pytest.mark.django_db
def test_a_learner_asks_for_an_extract_typing_digits_only(client, world, learner_user):
    client.force_login(learner_user)
    response = client.post(reverse("accesslog:cabinet_extract"), {"since": "01092026", "until": "30112026"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    refused = client.post(
        reverse("accesslog:cabinet_extract"), {"since": "31022026", "until": ""}, follow=True
    )
    assert "С: Введите правильную дату." in refused.content.decode()
