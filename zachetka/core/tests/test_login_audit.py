"""Log-in: successes are audited; failures go to axes' bounded failure log and lock out the
(user name, address) pair, or an address that tries many user names, never an account as such."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.urls import reverse

from zachetka.core import audit
from zachetka.core.models import AuditEvent

ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.10"
PROXY = "10.0.0.2"


@pytest.fixture
def login_page(client):
    def post(username: str, password: str, address: str = ATTACKER, **headers: str):
        client.logout()
        return client.post(
            reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers
        )

    return post


def _locked(response) -> bool:
    return response.status_code == 429 and "Вход временно заблокирован" in response.content.decode()


def test_login_and_logout_are_audited(client, login_page, registrar):
    response = login_page("registrar", "pass-for-tests-1")
    assert response.status_code == 302
    client.post(reverse("logout"))
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", "actor_id"))
    assert actions == [(audit.Action.LOGIN, registrar.pk), (audit.Action.LOGOUT, registrar.pk)]


def test_failed_login_is_logged_for_security_not_audited(login_page, registrar):
    response = login_page("registrar", "wrong-password")
    assert response.status_code == 200
    assert "Неверное имя пользователя или пароль" in response.content.decode()
    # The permanent audit trail is not a place anyone on the internet can write to at will.
    assert not AuditEvent.objects.exists()
    entry = AccessFailureLog.objects.get()
    assert (entry.username, entry.ip_address, entry.locked_out) == ("registrar", ATTACKER, False)
    assert "wrong-password" not in str(list(AccessAttempt.objects.values()))


def test_repeated_failures_lock_the_name_from_that_address_only(login_page, registrar, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_page("registrar", "wrong-password")
    locked = login_page("registrar", "pass-for-tests-1")  # even the right password is refused now
    assert _locked(locked)
    assert "через 15 минут" in locked.content.decode()
    assert not AuditEvent.objects.filter(action=audit.Action.LOGIN).exists()
    assert AccessFailureLog.objects.filter(locked_out=True).exists()
    # The same person from their office is not locked out.
    assert login_page("registrar", "pass-for-tests-1", address=OFFICE).status_code == 302


def test_nobody_can_lock_the_director_out_from_one_address(login_page, director, registrar, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT * 3):
        login_page("director", "guess")
    assert _locked(login_page("director", "pass-for-tests-1"))
    # The director, at her own desk, logs in as usual.
    assert login_page("director", "pass-for-tests-1", address=OFFICE).status_code == 302
    # The attacker's address is locked for that name, not yet for every name.
    assert login_page("registrar", "pass-for-tests-1").status_code == 302


def test_password_spraying_locks_the_address_for_every_name(login_page, registrar, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        login_page(f"user{n}", "Password1")  # one guess per name: no pair comes near its limit
    assert login_page("registrar", "pass-for-tests-1").status_code == 302  # not yet
    login_page("someone", "Password1")
    assert _locked(login_page("registrar", "pass-for-tests-1"))
    assert _locked(login_page("nobody-tried-this", "Password1"))
    assert login_page("registrar", "pass-for-tests-1", address=OFFICE).status_code == 302


def test_behind_a_trusted_proxy_each_visitor_has_their_own_lock(login_page, registrar, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_page("registrar", "wrong-password", address=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    # A visitor cannot pick their own address: what they write left of the proxy's entry is ignored.
    spoofed = login_page(
        "registrar", "pass-for-tests-1", address=PROXY, HTTP_X_FORWARDED_FOR=f"{OFFICE}, {ATTACKER}"
    )
    assert _locked(spoofed)
    office = login_page("registrar", "pass-for-tests-1", address=PROXY, HTTP_X_FORWARDED_FOR=OFFICE)
    assert office.status_code == 302
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_failure_log_keeps_only_the_newest_entries(db, login_page, settings):
    settings.AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 3
    settings.LOGIN_FAILURE_LOG_SIZE = 5
    for n in range(4):
        login_page("director", "guess", address=f"203.0.113.{n}")
    assert list(
        AccessFailureLog.objects.filter(username="director")
        .order_by("pk")
        .values_list("ip_address", flat=True)
    ) == ["203.0.113.1", "203.0.113.2", "203.0.113.3"]
    for n in range(4):
        login_page(f"user{n}", "guess", address="203.0.113.9")
    kept = list(AccessFailureLog.objects.order_by("pk").values_list("username", flat=True))
    assert kept == ["director", "user0", "user1", "user2", "user3"]


def test_the_administration_reads_the_failure_log_and_may_lift_a_lock(
    client, login_page, director, registrar, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_page("registrar", "wrong-password")
    director.is_staff = director.is_superuser = True  # Django admin is a superuser's
    director.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(director)
    log = client.get(reverse("admin:axes_accessfailurelog_changelist"))
    assert log.status_code == 200 and ATTACKER in log.content.decode()
    entry = AccessFailureLog.objects.first()
    # Read-only: the log is evidence.
    assert (
        client.post(
            reverse("admin:axes_accessfailurelog_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    attempt = AccessAttempt.objects.get()
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert not AccessAttempt.objects.exists()
    assert login_page("registrar", "pass-for-tests-1").status_code == 302
