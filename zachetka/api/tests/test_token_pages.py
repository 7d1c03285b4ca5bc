"""«Администрирование → Интеграции (API)»: the administration issues a token (shown once, working
at once), sees who it acts as and when it was last used, and revokes it with a reason; nobody
else opens the page; one name makes one token even when the form is sent many times at once."""

import re

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from zachetka.api import services
from zachetka.api.models import ApiToken, token_hash
from zachetka.core import audit
from zachetka.core.models import AuditEvent

PAGE = "/administration/integrations/"
LEARNERS = "/api/v1/learners/"


def _issued_text(response) -> str:  # noqa: ANN001 - a test client's response
    found = re.search(r'id="issued-token-text" value="(zk_[^"]+)"', response.content.decode())
    assert found, "the page shows no issued token"
    return found.group(1)


def test_the_administration_issues_a_token_that_works_at_once_and_is_shown_once(client, director, registrar):
    client.force_login(director)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Токенов ещё нет." in page.content.decode()
    # Only accounts that a system may act as are offered: staff, not learners.
    assert f'value="{registrar.pk}"' in page.content.decode()

    response = client.post(PAGE, {"name": "  Moodle   СДО ", "user": registrar.pk})
    assert response.status_code == 201
    text = _issued_text(response)
    html = response.content.decode()
    assert "Токен «Moodle СДО» выпущен и действует от имени Учётова Марина." in html
    assert f"Authorization: Bearer {text}" in html

    token = ApiToken.objects.get()
    assert (token.name, token.user) == ("Moodle СДО", registrar)
    assert token.secret_hash == token_hash(text)
    assert token.created_by == "Директорова Ольга (director)"
    event = AuditEvent.objects.get(action=audit.Action.API_TOKEN_CREATED)
    assert event.actor_id == director.pk
    trail = client.get(reverse("core:audit_list")).content.decode()
    assert "<div>действует от имени: <ins>Учётова Марина (registrar)</ins></div>" in trail

    # Never again: the list shows the token's name, never its text.
    listing = client.get(PAGE).content.decode()
    assert text not in listing and text.split(".")[1] not in listing
    assert "Moodle СДО" in listing and "не использовался" in listing

    with time_machine.travel("2026-11-29 10:15 +03:00", tick=False):
        assert client.get(LEARNERS, headers={"Authorization": f"Bearer {text}"}).status_code == 200
    listing = client.get(PAGE).content.decode()
    assert "29.11.2026 10:15" in listing and "не использовался" not in listing


def test_a_taken_name_is_refused_on_its_field_and_nothing_is_issued(client, director, registrar, teacher):
    services.create_token(name="Moodle", user=teacher)
    client.force_login(director)
    response = client.post(PAGE, {"name": "Moodle", "user": registrar.pk})
    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["Токен «Moodle» уже есть."]}
    assert 'id="issued-token-text"' not in response.content.decode()
    assert ApiToken.objects.count() == 1

    response = client.post(PAGE, {"name": "  ", "user": ""})
    assert set(response.context["form"].errors) == {"name", "user"}
    assert ApiToken.objects.count() == 1


def test_a_learner_account_cannot_be_chosen(client, director, learner_user):
    client.force_login(director)
    response = client.post(PAGE, {"name": "Чужая система", "user": learner_user.pk})
    assert response.status_code == 200
    assert "user" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_revoking_asks_a_reason_and_closes_the_api_at_once(client, director, registrar):
    token, text = services.create_token(name="1С", user=registrar)
    revoke = reverse("api_tokens:token_revoke", args=[token.pk])
    client.force_login(director)

    response = client.post(revoke, {"reason": ""}, follow=True)
    assert "Токен «1С» не отозван: укажите основание." in response.content.decode()
    assert client.get(LEARNERS, headers={"Authorization": f"Bearer {text}"}).status_code == 200

    with time_machine.travel("2026-11-29 12:30 +03:00", tick=False):
        response = client.post(revoke, {"reason": "Интеграция отключена"}, follow=True)
    html = response.content.decode()
    assert "Токен «1С» отозван: запросы с ним больше не принимаются." in html
    assert "отозван 29.11.2026 12:30" in html
    assert client.get(LEARNERS, headers={"Authorization": f"Bearer {text}"}).status_code == 401
    event = AuditEvent.objects.get(action=audit.Action.API_TOKEN_REVOKED)
    assert (event.actor_id, event.reason) == (director.pk, "Интеграция отключена")

    response = client.post(revoke, {"reason": "ещё раз"}, follow=True)
    assert "Токен «1С» уже отозван." in response.content.decode()
    assert AuditEvent.objects.filter(action=audit.Action.API_TOKEN_REVOKED).count() == 1


@pytest.mark.parametrize("who", ["registrar", "curator", "teacher", "learner_user"])
def test_only_the_administration_opens_the_page(client, request, who, director):
    token, _ = services.create_token(name="Moodle", user=director)
    client.force_login(request.getfixturevalue(who))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"name": "Своя", "user": director.pk}).status_code == 403
    revoke = reverse("api_tokens:token_revoke", args=[token.pk])
    assert client.post(revoke, {"reason": "хочу"}).status_code == 403
    assert ApiToken.objects.count() == 1 and not ApiToken.objects.get().is_revoked


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="true concurrency needs a server database")
def test_ten_identical_issue_requests_make_one_token(post_in_parallel, director, registrar):
    responses = post_in_parallel(director, PAGE, {"name": "Moodle", "user": registrar.pk})
    assert sorted(status for status, _ in responses) == [200] * 9 + [201]
    assert ApiToken.objects.count() == 1
    assert AuditEvent.objects.filter(action=audit.Action.API_TOKEN_CREATED).count() == 1
    assert list(audit.verify_chain()) == []
