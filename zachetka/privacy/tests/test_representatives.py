"""Representatives' accounts on a recipient's page: the registry or the administration opens one
(role «Представитель организации», a one-time link to set the password), the representative
logs in and sees only their organisation's consenting learners; an account is deactivated,
never deleted; each step audited."""

import re
import smtplib

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zachetka.core import audit, roles
from zachetka.core.models import AuditEvent
from zachetka.privacy import services
from zachetka.privacy.models import RecipientAccount
from zachetka.privacy.tests.conftest import TODAY

NEW = {
    "last_name": "Кадрова",
    "first_name": "Елена",
    "middle_name": "Сергеевна",
    "email": "kadrova@romashka.example",
    "username": "",
}


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):  # noqa: ANN001, ANN201
        raise smtplib.SMTPException("connection refused")


@pytest.fixture
def consented(world, employer_org, other_org, make_consent, registrar, scan):
    """Петров consented to Ромашка; Смирнова consented and withdrew; Сидорова consented to Лютик."""
    make_consent(world["classmate"], employer_org)
    withdrawn = make_consent(world["own"], employer_org)
    services.withdraw(by=registrar, consent=withdrawn, received_on=TODAY, scan=scan())
    make_consent(world["stranger"], other_org)
    return world


def _link(text: str) -> str:
    return re.search(r"https?://\S+/accounts/reset/[^\s<\"]+/", text).group(0)


def _set_password(client, link: str, password: str) -> None:  # noqa: ANN001
    path = "/" + link.split("/", 3)[3]
    response = client.get(path)
    form_url = response.url if response.status_code == 302 else path
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")


def _create(client, by, recipient, **fields: str):  # noqa: ANN001, ANN202
    client.force_login(by)
    return client.post(reverse("privacy:recipient_detail", args=[recipient.pk]), NEW | fields, follow=True)


def test_registrar_opens_an_account_the_representative_sets_a_password_and_sees_only_their_learners(
    client, registrar, employer_org, consented
):
    page = _create(client, registrar, employer_org).content.decode()
    assert "Учётная запись представителя открыта: Кадрова Елена Сергеевна, логин kadrova.es" in page
    assert "kadrova@romashka.example" in page and "действует" in page
    user = User.objects.get(username="kadrova.es")
    assert not user.has_usable_password()
    assert set(user.groups.values_list("name", flat=True)) == {roles.EMPLOYER}
    assert RecipientAccount.objects.get(user=user).recipient == employer_org
    event = AuditEvent.objects.get(action=audit.Action.REPRESENTATIVE_CREATED)
    assert event.actor_id == registrar.pk and event.data["after"]["recipient"] == employer_org.name

    (letter,) = mail.outbox
    assert letter.to == ["kadrova@romashka.example"] and "kadrova.es" in letter.body
    client.logout()
    _set_password(client, _link(letter.body), "Romashka-2026-pass")
    response = client.post(reverse("login"), {"username": "kadrova.es", "password": "Romashka-2026-pass"})
    assert response.status_code == 302
    learners = client.get(reverse("privacy:employer_learners")).content.decode()
    assert "Петров Пётр Петрович" in learners
    assert "Смирнова" not in learners and "Сидорова" not in learners
    assert client.get(reverse("privacy:recipient_detail", args=[employer_org.pk])).status_code == 403
    assert client.get(reverse("privacy:employer_learner", args=[consented["stranger"].pk])).status_code == 404


def test_bad_input_names_the_field_and_creates_nothing(client, registrar, employer_org, make_user):
    make_user("taken.login")
    page = _create(
        client, registrar, employer_org, last_name="Kadrova", email="not-an-address", username="taken.login"
    ).content.decode()
    assert "Фамилия: только русские буквы" in page
    assert "E-mail: введите правильный адрес электронной почты." in page
    assert "Логин «taken.login» уже занят." in page
    assert not RecipientAccount.objects.exists() and not mail.outbox


def test_a_typed_login_is_kept_and_a_failed_letter_shows_the_link_once(
    client, director, employer_org, settings
):
    settings.EMAIL_BACKEND = "zachetka.privacy.tests.test_representatives.FailingBackend"
    page = _create(client, director, employer_org, username="romashka.hr").content.decode()
    assert "письмо не отправлено" in page and "/accounts/reset/" in page
    assert User.objects.filter(username="romashka.hr").exists()
    again = client.get(reverse("privacy:recipient_detail", args=[employer_org.pk])).content.decode()
    assert "/accounts/reset/" not in again


def test_deactivation_closes_the_log_in_keeps_the_account_and_is_audited(
    client, registrar, employer, employer_org, consented
):
    account = RecipientAccount.objects.get(user=employer)
    client.force_login(registrar)
    url = reverse("privacy:representative_deactivate", args=[account.pk])
    refused = client.post(url, {"reason": " "}, follow=True).content.decode()
    assert "Основание: укажите" in refused
    employer.refresh_from_db()
    assert employer.is_active

    done = client.post(url, {"reason": "Письмо организации от 20.11.2026 № 15"}, follow=True).content.decode()
    assert "деактивирована" in done
    employer.refresh_from_db()
    assert not employer.is_active and RecipientAccount.objects.filter(pk=account.pk).exists()
    event = AuditEvent.objects.get(action=audit.Action.REPRESENTATIVE_DEACTIVATED)
    assert event.reason == "Письмо организации от 20.11.2026 № 15" and event.actor_id == registrar.pk

    client.logout()
    response = client.post(reverse("login"), {"username": "employer", "password": "pass-for-tests-1"})
    assert response.status_code == 200  # the form again: the account is inactive


def test_the_second_deactivation_is_refused_with_a_message(client, registrar, employer):
    account = RecipientAccount.objects.get(user=employer)
    services.deactivate_representative(by=registrar, account=account, reason="Уволилась")
    client.force_login(registrar)
    page = client.post(
        reverse("privacy:representative_deactivate", args=[account.pk]), {"reason": "ещё раз"}, follow=True
    ).content.decode()
    assert "учётная запись уже деактивирована" in page


def test_teachers_and_curators_neither_see_nor_open_accounts(client, teacher, curator, employer_org):
    for user in (teacher, curator):
        client.force_login(user)
        assert client.get(reverse("privacy:recipient_detail", args=[employer_org.pk])).status_code == 403
        assert (
            client.post(reverse("privacy:recipient_detail", args=[employer_org.pk]), NEW).status_code == 403
        )
    assert not RecipientAccount.objects.exists()


def test_the_page_query_count_is_flat(client, registrar, employer_org, make_user):
    def count() -> int:
        client.force_login(registrar)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("privacy:recipient_detail", args=[employer_org.pk])).status_code == 200
        return len(queries)

    def add(n: int) -> None:
        for _ in range(n):
            RecipientAccount.objects.create(user=make_user(role=roles.EMPLOYER), recipient=employer_org)

    add(1)
    few = count()
    add(10)
    assert count() == few
