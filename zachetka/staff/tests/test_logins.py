"""«Входы в систему»: the administration reads the failed log-ins (filtered by period and
login) and the lock-outs in force, and lifts one with a reason; the lift is audited and the
locked-out login can log in again."""

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.staff import selectors

ATTACKER = "203.0.113.66"
SPRAYER = "203.0.113.77"
OFFICE = "198.51.100.10"


@pytest.fixture
def login_page(client):
    def post(username: str, password: str, address: str = ATTACKER):
        client.logout()
        return client.post(
            reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
        )

    return post


def _locked(response) -> bool:  # noqa: ANN001
    return response.status_code == 429


def _page(client, director, **query: str) -> str:  # noqa: ANN001
    client.force_login(director)
    response = client.get(reverse("staff:logins"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_locked_out_login_logs_in_after_the_lift_and_the_lift_is_audited(
    client, login_page, director, registrar, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_page("registrar", "wrong-password")
    assert _locked(login_page("registrar", "pass-for-tests-1"))

    html = _page(client, director)
    assert "Действующие блокировки" in html and ATTACKER in html and "Снять блокировку" in html
    [lock] = selectors.lockouts()
    assert (lock.username, lock.ip_address) == ("registrar", ATTACKER)
    assert lock.failures >= settings.AXES_FAILURE_LIMIT

    # A reason is required.
    refused = client.post(
        reverse("staff:lockout_lift"),
        {"username": "registrar", "ip_address": ATTACKER, "reason": "  "},
        follow=True,
    )
    assert "Основание" in refused.content.decode()
    assert AccessAttempt.objects.exists()

    done = client.post(
        reverse("staff:lockout_lift"),
        {"username": "registrar", "ip_address": ATTACKER, "reason": "Позвонила, личность подтверждена"},
        follow=True,
    )
    assert "Блокировка снята" in done.content.decode()
    assert selectors.lockouts() == []
    event = AuditEvent.objects.get(action=audit.Action.LOCKOUT_LIFTED)
    assert event.actor_id == director.pk and event.reason == "Позвонила, личность подтверждена"
    assert event.data["username"] == "registrar" and event.data["ip_address"] == ATTACKER
    assert event.subject_id == str(registrar.pk)
    # The failure log stays: it is evidence.
    assert AccessFailureLog.objects.filter(username="registrar").count() >= settings.AXES_FAILURE_LIMIT

    assert login_page("registrar", "pass-for-tests-1").status_code == 302

    # Lifting it again: it is gone, said so.
    client.force_login(director)
    again = client.post(
        reverse("staff:lockout_lift"),
        {"username": "registrar", "ip_address": ATTACKER, "reason": "ещё раз"},
        follow=True,
    )
    assert "Этой блокировки уже нет" in again.content.decode()


def test_an_address_lock_is_shown_once_and_lifted_for_every_login(
    client, login_page, director, registrar, settings
):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        login_page(f"user{n % 2}", "Password1", address=SPRAYER)
    assert _locked(login_page("registrar", "pass-for-tests-1", address=SPRAYER))
    locks = selectors.lockouts()
    assert [(lock.username, lock.ip_address) for lock in locks] == [("", SPRAYER)]
    assert "все логины" in _page(client, director)

    client.post(
        reverse("staff:lockout_lift"),
        {"username": "", "ip_address": SPRAYER, "reason": "Адрес нашего филиала"},
    )
    assert selectors.lockouts() == []
    assert login_page("registrar", "pass-for-tests-1", address=SPRAYER).status_code == 302


def test_failures_below_the_limit_are_not_a_lock(login_page, registrar, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login_page("registrar", "wrong-password")
    assert selectors.lockouts() == []


def test_the_failure_log_filters_by_login_and_period(client, login_page, director, registrar):
    login_page("registrar", "wrong-password")
    login_page("kuznetsova.ov", "wrong-password", address=OFFICE)
    old = AccessFailureLog.objects.create(
        username="old.login", ip_address=OFFICE, user_agent="", http_accept="", path_info="/accounts/login/"
    )
    AccessFailureLog.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - dt.timedelta(days=40))

    html = _page(client, director)
    assert "kuznetsova.ov" in html and "old.login" in html and "Найдено: 3 попытки" in html

    html = _page(client, director, login="KUZNETSOVA")
    assert "kuznetsova.ov" in html and "old.login" not in html and "Найдено: 1 попытка" in html

    today = timezone.localdate()
    html = _page(
        client, director, since=f"{today - dt.timedelta(days=1):%d.%m.%Y}", until=f"{today:%d.%m.%Y}"
    )
    assert "kuznetsova.ov" in html and "old.login" not in html

    month_ago = today - dt.timedelta(days=40)
    html = _page(client, director, since=f"{month_ago:%d.%m.%Y}", until=f"{month_ago:%d.%m.%Y}")
    assert "old.login" in html and "kuznetsova.ov" not in html

    html = _page(client, director, since=f"{today:%d.%m.%Y}", until=f"{month_ago:%d.%m.%Y}")
    assert "Дата «по» раньше даты «с»." in html
    html = _page(client, director, since="31.02.2026")
    assert "Введите правильную дату" in html or "дату" in html


def test_the_page_shows_times_in_the_centres_zone(client, director):
    entry = AccessFailureLog.objects.create(
        username="night.owl", ip_address=OFFICE, user_agent="", http_accept="", path_info="/accounts/login/"
    )
    moment = dt.datetime(2026, 11, 29, 21, 30, tzinfo=dt.UTC)  # 00:30 on the 30th in Moscow
    AccessFailureLog.objects.filter(pk=entry.pk).update(attempt_time=moment)
    assert "30.11.2026 00:30" in _page(client, director)


def test_query_count_does_not_grow_with_rows(client, director):
    def count() -> int:
        client.force_login(director)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("staff:logins")).status_code == 200
        return len(queries)

    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            AccessFailureLog.objects.create(
                username=f"u{i}", ip_address=OFFICE, user_agent="", http_accept="", path_info="/"
            )
            AccessAttempt.objects.create(
                username=f"u{i}",
                ip_address=f"192.0.2.{i + 1}",
                user_agent="",
                http_accept="",
                path_info="/",
                get_data="",
                post_data="",
                failures_since_start=10,
            )

    add(0, 2)
    few = count()
    add(2, 20)
    assert count() == few


def test_only_the_administration_lifts_a_lock(client, login_page, registrar, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_page("registrar", "wrong-password")
    client.force_login(registrar)
    response = client.post(
        reverse("staff:lockout_lift"), {"username": "registrar", "ip_address": ATTACKER, "reason": "сама"}
    )
    assert response.status_code == 403
    assert selectors.lockouts()


def test_the_administration_page_links_to_the_pages_that_replaced_django_admin(client, director):
    client.force_login(director)
    html = client.get(reverse("staff:administration")).content.decode()
    for url in (
        reverse("staff:logins"),
        reverse("documents:verification_checks"),
        reverse("privacy:recipients"),
    ):
        assert f'href="{url}"' in html
