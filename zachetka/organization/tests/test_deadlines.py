"""The organisation's deadlines: settings' defaults until the administration saves its own on
the «Сроки» page; the services read them from the database (no cache); changes audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zachetka.attestation import services as attestation
from zachetka.attestation.models import AcademicDebt
from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.documents import frdo
from zachetka.documents.models import Document
from zachetka.gradebook import services as gradebook
from zachetka.organization import selectors, services
from zachetka.organization.models import Deadlines


def _save(client, **values):  # noqa: ANN001, ANN003, ANN202
    version = Deadlines.objects.filter(pk=1).values_list("version", flat=True).first() or 1
    data = {"version": version, "grade_entry_days": "", "academic_debt_days": "", "frdo_report_days": ""}
    data.update({name: str(value) for name, value in values.items()})
    return client.post(reverse("organization:deadlines"), data)


def test_defaults_come_from_settings_until_saved(client, director, settings):
    settings.GRADE_ENTRY_DEADLINE_DAYS, settings.ACADEMIC_DEBT_DAYS, settings.FRDO_REPORT_DAYS = 3, 30, 30
    current = selectors.deadlines()
    assert (current.grade_entry_days, current.academic_debt_days, current.frdo_report_days) == (3, 30, 30)
    assert current.set_by_organisation == frozenset()
    client.force_login(director)
    page = client.get(reverse("organization:deadlines")).content.decode()
    assert "по умолчанию" in page and "задан администрацией" not in page

    response = _save(client, grade_entry_days=7)
    assert response.status_code == 302
    current = selectors.deadlines()
    assert (current.grade_entry_days, current.academic_debt_days) == (7, 30)
    assert current.set_by_organisation == {"grade_entry_days"}
    event = AuditEvent.objects.get(action=audit.Action.DEADLINES_UPDATED)
    assert event.data == {"before": {"grade_entry_days": None}, "after": {"grade_entry_days": 7}}
    assert event.actor_id == director.pk
    # Clearing the field goes back to the default.
    _save(client)
    assert selectors.deadlines().grade_entry_days == 3


def test_values_out_of_range_are_refused_in_russian(client, director):
    client.force_login(director)
    page = _save(client, academic_debt_days=400, frdo_report_days=0).content.decode()
    assert "срок ликвидации академической задолженности, дней: не больше 365." in page
    assert "срок внесения документа в ФИС ФРДО, дней: не меньше 1." in page
    assert not Deadlines.objects.exists()
    with pytest.raises(ValidationError, match="целое число от 1 до 60"):
        services.update_deadlines(by=director, expected_version=1, grade_entry_days=61)


def test_only_the_administration_sets_deadlines(registrar):
    with pytest.raises(PermissionDenied):
        services.update_deadlines(by=registrar, expected_version=1, grade_entry_days=5)


def test_a_stale_form_does_not_overwrite_a_newer_save(director):
    services.update_deadlines(by=director, expected_version=1, grade_entry_days=5)
    with pytest.raises(ValidationError, match="уже изменил другой пользователь"):
        services.update_deadlines(by=director, expected_version=1, grade_entry_days=9)
    assert selectors.deadlines().grade_entry_days == 5


def test_the_grade_entry_deadline_of_a_new_assessment_is_read_from_the_database(director):
    held = dt.date(2026, 11, 10)
    assert gradebook.default_due_on(held) == dt.date(2026, 11, 13)
    services.update_deadlines(by=director, expected_version=1, grade_entry_days=10)
    assert gradebook.default_due_on(held) == dt.date(2026, 11, 20)


def test_academic_debts_fall_due_after_the_organisations_days(course, teacher, director):
    services.update_deadlines(by=director, expected_version=1, academic_debt_days=45)
    held = dt.date(2026, 11, 20)
    protocol = attestation.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["credit"], held_on=held
    )
    for enrollment, text in (
        (course["own"], "зачтено"),
        (course["classmate"], "не зачтено"),
        (course["third"], "зачтено"),
    ):
        attestation.set_result(by=teacher, protocol=protocol, enrollment=enrollment, text=text)
    attestation.sign_protocol(by=teacher, protocol=protocol)
    (debt,) = AcademicDebt.objects.all()
    assert debt.due_on == held + dt.timedelta(days=45)


def test_frdo_overdue_follows_the_organisations_days(director, settings):
    settings.FRDO_REPORT_DAYS = 30
    today = dt.date(2026, 12, 1)
    query = frdo.overdue(Document.objects.all(), today)
    assert "2026-11-01" in str(query.query)
    services.update_deadlines(by=director, expected_version=1, frdo_report_days=10)
    assert "2026-11-21" in str(frdo.overdue(Document.objects.all(), today).query)
