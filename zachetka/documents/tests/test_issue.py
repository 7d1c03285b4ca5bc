import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from conftest import run_concurrently
from zachetka.core.models import AuditEvent
from zachetka.documents import selectors, services
from zachetka.documents.models import Document, RegistrationCounter
from zachetka.programs import services as program_services
from zachetka.programs.models import Enrollment

ISSUED = dt.date(2026, 11, 27)


def _issue(graduated, registrar, **kwargs):
    return services.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=ISSUED, series="ПК", first_number="000118", **kwargs
    )


def test_issue_from_protocol_numbers_documents_and_blanks(graduated, registrar, course):
    documents = _issue(graduated, registrar)
    assert [d.full_name for d in documents] == ["Петров Пётр Петрович", "Смирнова Анна Сергеевна"]
    assert [d.registration_number for d in documents] == ["2026-00001", "2026-00002"]
    assert [d.number for d in documents] == ["000118", "000119"]
    assert {d.kind for d in documents} == {Document.Kind.QUALIFICATION_CERTIFICATE}
    first = documents[0]
    assert (first.protocol, first.hours, first.program_title) == (
        graduated,
        72,
        "Цифровые инструменты педагога",
    )
    assert first.studied_from == course["group"].starts_on and first.studied_to == dt.date(2026, 11, 25)
    assert AuditEvent.objects.filter(action="document.issued").count() == 2
    with pytest.raises(ValidationError, match="Документ уже выдан: Петров Пётр Петрович"):
        _issue(graduated, registrar)
    assert Document.objects.count() == 2


def test_one_learner_at_a_time_and_failure_gets_a_study_certificate(graduated, registrar, course, director):
    (only,) = _issue(graduated, registrar, enrollments=[course["own"]])
    assert only.full_name == "Смирнова Анна Сергеевна" and only.number == "000118"
    # Алексеев failed a module, was not admitted, and is expelled: a справка is due in 3 days.
    third = course["third"]
    program_services.update_enrollment(
        by=director,
        enrollment=third,
        expected_version=third.version,
        status=Enrollment.Status.EXPELLED,
        expulsion_order_number="99-к",
        expulsion_order_date=dt.date(2026, 11, 26),
        expulsion_reason="академическая задолженность",
    )
    due = {d.enrollment.pk: d for d in selectors.due_documents(registrar)}
    assert due[third.pk].kind == Document.Kind.STUDY_CERTIFICATE
    assert due[third.pk].due_on == dt.date(2026, 11, 29)
    assert due[course["classmate"].pk].protocol == graduated
    certificate = services.issue_study_certificate(by=registrar, enrollment=third, issued_on=ISSUED)
    assert certificate.kind == Document.Kind.STUDY_CERTIFICATE and certificate.series == ""
    assert certificate.number == certificate.registration_number
    assert third.pk not in {d.enrollment.pk for d in selectors.due_documents(registrar)}


def test_teacher_may_not_issue_and_future_dates_are_refused(graduated, teacher, registrar):
    with pytest.raises(PermissionDenied):
        services.issue_from_protocol(by=teacher, protocol=graduated, issued_on=ISSUED, first_number="1")
    with pytest.raises(ValidationError, match="в будущем"):
        services.issue_from_protocol(
            by=registrar, protocol=graduated, issued_on=dt.date(2099, 1, 1), first_number="1"
        )
    with pytest.raises(ValidationError, match="номер первого бланка"):
        services.issue_from_protocol(by=registrar, protocol=graduated, issued_on=ISSUED)
    assert not Document.objects.exists()


def test_duplicate_exchange_and_states_keep_history(graduated, registrar, director, course):
    petrov, smirnova = _issue(graduated, registrar)
    duplicate = services.issue_duplicate(
        by=registrar,
        original=petrov,
        issued_on=ISSUED,
        series="ПК",
        number="000200",
        reason="Заявление об утрате от 27.11.2026",
        expected_version=petrov.version,
    )
    petrov.refresh_from_db()
    assert petrov.state == Document.State.LOST and petrov.state_reason.startswith("Заявление")
    assert (duplicate.issue, duplicate.original, duplicate.full_name) == (
        "duplicate",
        petrov,
        petrov.full_name,
    )
    with pytest.raises(ValidationError, match="больше не меняется"):
        services.revoke(by=director, document=petrov, reason="ошибка")
    # Смирнова married: the exchanged document carries her new surname.
    learner = course["own"].learner
    learner.last_name = "Кузнецова"
    learner.save()
    exchanged = services.exchange(
        by=registrar,
        original=smirnova,
        issued_on=ISSUED,
        series="ПК",
        number="000201",
        reason="Смена фамилии",
    )
    smirnova.refresh_from_db()
    assert smirnova.state == Document.State.EXCHANGED and smirnova.last_name == "Смирнова"
    assert exchanged.last_name == "Кузнецова" and exchanged.issue == Document.Issue.EXCHANGE
    with pytest.raises(PermissionDenied):
        services.revoke(by=registrar, document=exchanged, reason="ошибка")
    services.revoke(by=director, document=exchanged, reason="Выдан ошибочно")
    spoiled = services.destroy_blank(by=registrar, document=duplicate, reason="Опечатка в фамилии")
    assert spoiled.state == Document.State.DESTROYED
    assert Document.objects.count() == 4  # nothing deleted
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "document.lost",
        "document.exchanged",
        "document.revoked",
        "document.destroyed",
    }


def test_stale_state_change_is_refused(graduated, registrar):
    petrov, _ = _issue(graduated, registrar)
    services.destroy_blank(by=registrar, document=petrov, reason="Опечатка", expected_version=petrov.version)
    with pytest.raises(ValidationError):
        services.issue_duplicate(
            by=registrar,
            original=petrov,
            issued_on=ISSUED,
            series="",
            number="1",
            reason="утрата",
            expected_version=petrov.version,
        )


def test_next_blank_number_keeps_width_and_prefix():
    assert services.next_blank_number("000118", 2) == "000120"
    assert services.next_blank_number("А-0099", 1) == "А-0100"
    with pytest.raises(ValidationError):
        services.next_blank_number("без цифр", 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="true concurrency needs a server database")
@pytest.mark.django_db(transaction=True)
def test_registration_numbers_stay_gap_free_under_concurrency():
    def take_five() -> list[str]:
        return [services._registration_number(2031)[1] for _ in range(5)]

    batches, errors = run_concurrently(take_five)
    assert errors == []
    assert sorted(n for batch in batches for n in batch) == [f"2031-{n:05d}" for n in range(1, 21)]
    assert RegistrationCounter.objects.get(year=2031).last == 20


def test_issue_page_for_the_group(client, graduated, registrar, course):
    client.force_login(registrar)
    url = reverse("documents:issue_from_protocol", args=[graduated.pk])
    page = client.get(url).content.decode()
    assert "удостоверение о повышении квалификации" in page and "Смирнова Анна Сергеевна" in page
    response = client.post(
        url,
        {
            "issued_on": "27.11.2026",
            "series": "",
            "first_number": "000001",
            "enrollments": [course["own"].pk, course["classmate"].pk],
        },
    )
    assert response.status_code == 302
    assert Document.objects.count() == 2
    listing = client.get(reverse("documents:group_documents", args=[course["group"].pk])).content.decode()
    assert "2026-00001" in listing and "2026-00002" in listing
    registry = client.get(reverse("documents:registry"), {"year": 2026}).content.decode()
    assert "Смирнова Анна Сергеевна" in registry
