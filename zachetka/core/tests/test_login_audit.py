import pytest
from django.urls import reverse

from zachetka.core import audit
from zachetka.core.models import AuditEvent


@pytest.fixture
def login_page(client):
    def post(username: str, password: str):
        return client.post(reverse("login"), {"username": username, "password": password})

    return post


def test_login_and_logout_are_audited(client, login_page, registrar):
    response = login_page("registrar", "pass-for-tests-1")
    assert response.status_code == 302
    client.post(reverse("logout"))
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", "actor_id"))
    assert actions == [(audit.Action.LOGIN, registrar.pk), (audit.Action.LOGOUT, registrar.pk)]


def test_failed_login_is_audited_without_the_password(login_page, registrar):
    response = login_page("registrar", "wrong-password")
    assert response.status_code == 200
    assert "Неверное имя пользователя или пароль" in response.content.decode()
    event = AuditEvent.objects.get(action=audit.Action.LOGIN_FAILED)
    assert event.data == {"username": "registrar"}
    assert "wrong-password" not in str(event.data)


def test_repeated_failures_lock_the_account(login_page, registrar, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_page("registrar", "wrong-password")
    locked = login_page("registrar", "pass-for-tests-1")  # even the right password is refused now
    assert locked.status_code == 429
    assert "Вход временно заблокирован" in locked.content.decode()
    assert "через 15 минут" in locked.content.decode()
    assert not AuditEvent.objects.filter(action=audit.Action.LOGIN).exists()


def test_lockout_is_per_account(login_page, registrar, director, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_page("registrar", "wrong-password")
    assert login_page("director", "pass-for-tests-1").status_code == 302
