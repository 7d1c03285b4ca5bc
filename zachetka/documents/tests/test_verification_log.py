"""«Проверки подлинности»: the administration reads the public verification log in the app,
filtered by period, result and registration number; nobody else does."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zachetka.documents import selectors, services
from zachetka.documents.models import VerificationCheck

ISSUED = dt.date(2026, 11, 27)
VISITOR = "192.0.2.44"


@pytest.fixture
def issued(graduated, registrar):
    return services.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=ISSUED, first_number="000118"
    )


@pytest.fixture
def checks(client, issued):
    """Three checks through the public page: by QR code (found), by number (found), a wrong number."""
    petrov, smirnova = issued
    client.get(reverse("documents:verify_code", args=[petrov.verification_code]), REMOTE_ADDR=VISITOR)
    url = reverse("documents:verify")
    client.post(url, {"registration_number": smirnova.registration_number, "last_name": "Смирнова"})
    client.post(url, {"registration_number": "2026-99999", "last_name": "Иванов"})
    client.logout()
    assert VerificationCheck.objects.count() == 3
    return issued


def _page(client, user, **query: str) -> str:  # noqa: ANN001
    client.force_login(user)
    response = client.get(reverse("documents:verification_checks"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_log_shows_how_what_and_from_where(client, director, checks):
    petrov, smirnova = checks
    html = _page(client, director)
    assert "Найдено: 3 проверки" in html
    assert "по коду" in html and "по номеру" in html and "2026-99999" in html and "не найден" in html
    assert VISITOR in html
    assert reverse("documents:document_detail", args=[petrov.pk]) in html
    assert reverse("documents:document_detail", args=[smirnova.pk]) in html
    assert timezone.localtime(VerificationCheck.objects.first().at).strftime("%d.%m.%Y %H:%M") in html


def test_filters_by_result_number_and_period(client, director, checks):
    petrov, smirnova = checks
    assert "Найдено: 1 проверка" in _page(client, director, found="no")
    assert "2026-99999" not in _page(client, director, found="yes")
    by_number = _page(client, director, number=petrov.registration_number)
    # The QR check of Petrov's document is found by the document's number though none was typed.
    assert "Найдено: 1 проверка" in by_number and "по коду" in by_number

    today = timezone.localdate()
    assert "Найдено: 3 проверки" in _page(
        client, director, since=f"{today:%d.%m.%Y}", until=f"{today:%d.%m.%Y}"
    )
    earlier = today - dt.timedelta(days=3)
    assert "Проверок не найдено" in _page(client, director, until=f"{earlier:%d.%m.%Y}")
    assert "Дата «по» раньше даты «с»." in _page(
        client, director, since=f"{today:%d.%m.%Y}", until=f"{earlier:%d.%m.%Y}"
    )


def test_an_erased_address_is_shown_as_erased(client, director, checks):
    VerificationCheck.objects.update(ip_address="")
    html = _page(client, director)
    assert VISITOR not in html and "стёрт" in html


def test_only_the_administration_reads_the_log(client, registrar, checks):
    client.force_login(registrar)
    assert client.get(reverse("documents:verification_checks")).status_code == 403
    assert not selectors.verification_checks(registrar).exists()


def test_query_count_does_not_grow_with_rows(client, director, checks):
    def count() -> int:
        client.force_login(director)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("documents:verification_checks")).status_code == 200
        return len(queries)

    few = count()
    petrov = checks[0]
    VerificationCheck.objects.bulk_create(
        VerificationCheck(ip_address=VISITOR, via_code=True, document=petrov, found=True) for _ in range(30)
    )
    assert count() == few
