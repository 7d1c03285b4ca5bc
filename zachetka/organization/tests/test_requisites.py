"""The organisation's requisites: one row seeded by the migrations, edited on the administration's
page (versioned, audited), flagged «заполните» while a document would print without them."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.organization import selectors, services
from zachetka.organization.models import Requisites

FILLED = {
    "full_name": "Автономная некоммерческая организация дополнительного профессионального образования "
    "«Умный образовательный центр»",
    "short_name": "АНО ДПО «УОЦ»",
    "city": "г. Тверь",
    "address": "170100, г. Тверь, ул. Советская, д. 1",
    "licence_number": "Л035-01234-69/00123456",
    "licence_date": "01.02.2021",
    "head_post": "Директор",
    "head_name": "Кузнецова Ольга Викторовна",
    "secretary_name": "Соколова Марина Олеговна",
}


def test_the_seeded_row_names_the_organisation_and_flags_what_to_fill(client, director):
    requisites = selectors.current()
    assert requisites.full_name == "АНО ДПО «Умный образовательный центр»"
    assert (requisites.short_name, requisites.city, requisites.head_post) == ("УОЦ", "г. Москва", "Директор")
    # No invented person or licence: the names start empty, the city is a flagged placeholder.
    assert (requisites.head_name, requisites.secretary_name, requisites.licence_number) == ("", "", "")
    assert set(requisites.to_fill()) == {"address", "head_name", "secretary_name", "city"}
    client.force_login(director)
    page = client.get(reverse("organization:requisites")).content.decode()
    assert "Заполните: адрес, ФИО руководителя, ФИО секретаря, населённый пункт." in page
    assert page.count(">заполните</span>") == 4


def test_the_administration_edits_them_through_the_page_audited(client, director):
    client.force_login(director)
    response = client.post(reverse("organization:requisites"), {**FILLED, "version": 1})
    assert response.status_code == 302
    requisites = selectors.current()
    assert requisites.head_name == "Кузнецова Ольга Викторовна"
    assert requisites.licence_date == dt.date(2021, 2, 1)
    assert (requisites.version, requisites.updated_by, requisites.to_fill()) == (2, director, [])
    event = AuditEvent.objects.get(action=audit.Action.REQUISITES_UPDATED)
    assert event.data["before"]["city"] == "г. Москва" and event.data["after"]["city"] == "г. Тверь"
    assert "full_name" in event.data["after"] and "head_post" not in event.data["after"]  # changed only
    page = client.get(reverse("organization:requisites")).content.decode()
    assert "заполните" not in page and "Последнее изменение" in page
    # A form opened before that save is refused, not written over it.
    stale = client.post(reverse("organization:requisites"), {**FILLED, "city": "г. Клин", "version": 1})
    assert stale.status_code == 200 and "уже изменил другой пользователь" in stale.content.decode()
    assert selectors.current().city == "г. Тверь"


def test_only_the_administration_may_edit(client, registrar):
    client.force_login(registrar)
    assert client.get(reverse("organization:requisites")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.update_requisites(by=registrar, expected_version=1, city="г. Клин")
    assert selectors.current().city == "г. Москва"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"head_name": "Kuznetsova Olga"}, "ФИО руководителя: только русские буквы"),
        ({"secretary_name": "Соколова"}, "ФИО секретаря: фамилия и имя"),
        ({"licence_number": "Л035-01234-69/00123456"}, "и номер, и дату лицензии"),
        ({"city": ""}, "населённый пункт"),
    ],
)
def test_bad_requisites_are_refused_naming_the_field(director, changes, message):
    with pytest.raises(ValidationError, match=message):
        services.update_requisites(by=director, expected_version=1, **changes)
    assert selectors.current().version == 1


def test_the_database_holds_a_single_row(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Requisites.objects.create(id=2, full_name="Другая организация", short_name="Д", city="г. Клин")
    assert Requisites.objects.count() == 1


def test_typed_names_under_signature_lines_keep_initials_with_the_surname(director):
    services.update_requisites(
        by=director, expected_version=1, head_name="Петрова-Водкина Анна", secretary_name="Ли Мин Хо"
    )
    requisites = selectors.current()
    assert requisites.head_signature == "А.\u00a0Петрова-Водкина"
    assert requisites.secretary_signature == "М.\u00a0Х.\u00a0Ли"


def test_every_page_footer_names_the_organisation_from_its_requisites(client, director):
    services.update_requisites(by=director, expected_version=1, full_name="АНО ДПО «Новое имя»")
    client.force_login(director)
    page = client.get(reverse("web:home")).content.decode()
    assert "АНО ДПО «Новое имя» · индивидуальный учёт" in page
    assert "Умный образовательный центр" not in page
