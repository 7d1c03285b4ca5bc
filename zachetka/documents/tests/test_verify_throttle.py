"""The public verification throttle behind a reverse proxy: one visitor's wrong guesses slow
only that visitor, and a document's QR link always answers."""

import datetime as dt

import pytest
from django.urls import reverse

from zachetka.documents import services

PROXY = "10.0.0.2"
GUESSER = "203.0.113.66"
HOLDER = "198.51.100.20"


@pytest.fixture
def petrov(graduated, registrar):
    return services.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=dt.date(2026, 11, 27), first_number="000118"
    )[0]


@pytest.fixture
def via_proxy(client, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.VERIFY_FREE_FAILURES = 3

    def check(visitor: str, **data: str):
        return client.post(reverse("documents:verify"), data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=visitor)

    def open_qr(visitor: str, code: str):
        return client.get(
            reverse("documents:verify_code", args=[code]), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=visitor
        )

    return check, open_qr


def _guess_wrong(check, times: int) -> None:
    for n in range(times):
        check(GUESSER, registration_number=f"2026-9999{n}", last_name="Иванов")


def test_one_visitors_guesses_do_not_slow_another_behind_the_proxy(via_proxy, petrov):
    check, _ = via_proxy
    _guess_wrong(check, 3)
    assert (
        check(GUESSER, registration_number=petrov.registration_number, last_name="Петров").status_code == 429
    )
    honest = check(HOLDER, registration_number=petrov.registration_number, last_name="Петров")
    assert honest.status_code == 200 and "Документ действителен" in honest.content.decode()


def test_a_qr_link_answers_whatever_was_guessed_from_that_address(via_proxy, petrov):
    check, open_qr = via_proxy
    _guess_wrong(check, 10)
    response = open_qr(GUESSER, petrov.verification_code)
    assert response.status_code == 200 and "Документ действителен" in response.content.decode()


def test_wrong_qr_codes_do_not_count_as_guesses(via_proxy, petrov):
    check, open_qr = via_proxy
    for n in range(10):
        assert open_qr(GUESSER, f"{n}" * 22).status_code == 200
    response = check(GUESSER, registration_number=petrov.registration_number, last_name="Петров")
    assert response.status_code == 200 and "Документ действителен" in response.content.decode()
