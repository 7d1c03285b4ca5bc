"""Tokens: stored as a hash, printed once, revocable, acting as their user while it is active."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from zachetka.api.models import ApiToken, token_hash
from zachetka.core import audit
from zachetka.core.models import AuditEvent

LEARNERS = "/api/v1/learners/"


def test_the_command_prints_the_token_once_and_stores_only_its_hash(registrar, client):
    out = io.StringIO()
    call_command("create_api_token", "Moodle", "--as", "registrar", stdout=out)
    text = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get(name="Moodle")
    assert text.startswith("zk_")
    assert token.user == registrar
    assert token.secret_hash == token_hash(text)
    stored = " ".join(str(value) for value in ApiToken.objects.values_list().get())
    assert text not in stored and text.split(".")[1] not in stored
    response = client.get(LEARNERS, headers={"Authorization": f"Bearer {text}"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=audit.Action.API_TOKEN_CREATED, subject_id=str(token.pk)).exists()


def test_a_name_is_issued_once(registrar):
    call_command("create_api_token", "Moodle", "--as", "registrar", stdout=io.StringIO())
    with pytest.raises(Exception, match="уже есть"):
        call_command("create_api_token", "Moodle", "--as", "registrar", stdout=io.StringIO())


def test_a_revoked_token_gets_401_at_once(registrar, api_as):
    api = api_as(registrar, name="HR")
    assert api.get(LEARNERS).status_code == 200
    out = io.StringIO()
    call_command("create_api_token", "--revoke", "HR", stdout=out)
    assert "отозван" in out.getvalue()
    response = api.get(LEARNERS)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Токен отозван."
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert AuditEvent.objects.filter(action=audit.Action.API_TOKEN_REVOKED).count() == 1


def test_the_token_of_a_deactivated_user_gets_401(registrar, api_as):
    api = api_as(registrar)
    registrar.is_active = False
    registrar.save()
    response = api.get(LEARNERS)
    assert response.status_code == 401
    assert "отключена" in response.json()["detail"]


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("", "Учетные данные не были предоставлены."),
        ("Bearer nonsense", "Неверный формат токена."),
        ("Bearer zk_0123456789ab.wrong", "Неизвестный токен."),
    ],
)
def test_without_a_valid_token_401(db, client, header, detail):
    response = client.get(LEARNERS, headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json()["detail"] == detail


def test_a_site_session_does_not_open_the_api(client, registrar):
    client.force_login(registrar)
    assert client.get(LEARNERS).status_code == 401


def test_last_use_is_written_at_most_once_a_minute(registrar, api_as):
    api = api_as(registrar, name="1C")
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        api.get(reverse("api:program_list"))
        first = ApiToken.objects.get(name="1C").last_used_at
        assert first == dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, 0, 30, tzinfo=dt.UTC), tick=False):
        api.get(reverse("api:program_list"))
        assert ApiToken.objects.get(name="1C").last_used_at == first  # no write within the minute
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, 1, 5, tzinfo=dt.UTC), tick=False):
        api.get(reverse("api:program_list"))
        assert ApiToken.objects.get(name="1C").last_used_at > first


def test_the_list_shows_last_use(registrar, api_as):
    api_as(registrar, name="Moodle").get(LEARNERS)
    out = io.StringIO()
    call_command("create_api_token", "--list", stdout=out)
    line = out.getvalue().strip()
    assert line.startswith("Moodle\tregistrar\tдействует")
    assert "последнее использование —" not in line
