"""«Забыли пароль?»: a few e-mails per hour for each asking address and each e-mail address;
beyond that the same neutral page, and nothing is sent."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from zachetka.web.models import PasswordResetRequest


@pytest.fixture
def ask(client):
    def post(email: str, address: str):
        response = client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)
        # Sent or not, whether the account exists or not: the same answer.
        assert response.status_code == 302 and response.url == reverse("password_reset_done")
        return response

    return post


def test_an_account_gets_a_few_emails_an_hour_from_any_number_of_addresses(ask, make_user, settings):
    settings.PASSWORD_RESETS_PER_HOUR = 3
    make_user("director", email="director@example.ru")
    for n in range(5):
        ask("Director@Example.ru", f"203.0.113.{n}")
    assert [message.to for message in mail.outbox] == [["director@example.ru"]] * 3
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61)):
        ask("director@example.ru", "203.0.113.50")
    assert len(mail.outbox) == 4
    # Only e-mails sent in the last hour are kept; no address typed is stored as such.
    assert PasswordResetRequest.objects.count() == 1
    assert "director" not in str(list(PasswordResetRequest.objects.values()))


def test_an_address_gets_a_few_emails_an_hour_whatever_accounts_it_names(ask, make_user, settings):
    settings.PASSWORD_RESETS_PER_HOUR = 3
    for n in range(5):
        make_user(f"staff{n}", email=f"staff{n}@example.ru")
    for n in range(5):
        ask(f"staff{n}@example.ru", "203.0.113.66")
    assert len(mail.outbox) == 3
    ask("staff4@example.ru", "198.51.100.1")  # someone else, elsewhere, is not held up
    assert mail.outbox[-1].to == ["staff4@example.ru"] and len(mail.outbox) == 4


def test_unknown_addresses_count_too_so_the_answer_tells_nothing(ask, make_user, settings):
    settings.PASSWORD_RESETS_PER_HOUR = 2
    make_user("director", email="director@example.ru")
    ask("nobody@example.ru", "203.0.113.66")
    ask("nobody2@example.ru", "203.0.113.66")
    ask("director@example.ru", "203.0.113.66")
    assert mail.outbox == []
