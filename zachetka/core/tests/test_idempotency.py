"""One-time form keys: a double submit is shown the first result; a refused submission gives its
key back; a key is one user's and one form's."""

import datetime as dt
import uuid

import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from zachetka.attestation.models import Protocol
from zachetka.core import idempotency
from zachetka.core.models import SubmissionKey


def _statement(course, key: uuid.UUID, **fields) -> dict:
    return {
        "module": course["exam"].pk,
        "held_on": "20.11.2026",
        "attempt": 1,
        "submission_key": str(key),
    } | fields


def test_a_double_submit_is_shown_the_first_result(client, course, teacher):
    client.force_login(teacher)
    path = reverse("attestation:statement_create", args=[course["group"].pk])
    key = uuid.uuid4()
    first = client.post(path, _statement(course, key))
    second = client.post(path, _statement(course, key))
    statement = Protocol.objects.get()
    assert first.status_code == second.status_code == 302
    assert (
        first["Location"] == second["Location"] == reverse("attestation:protocol_detail", args=[statement.pk])
    )
    shown = [str(message) for message in get_messages(second.wsgi_request)]
    assert f"Ведомость № {statement.number} составлена. Проверьте результаты." in shown
    assert idempotency.REPEATED in shown


def test_a_refused_submission_gives_its_key_back(client, course, teacher, director):
    client.force_login(teacher)
    path = reverse("attestation:statement_create", args=[course["group"].pk])
    key = uuid.uuid4()
    refused = client.post(path, _statement(course, key, attempt=3))  # a second retake needs a commission
    assert refused.status_code == 200
    assert "Вторая пересдача проводится комиссией" in refused.content.decode()
    assert not SubmissionKey.objects.filter(key=key).exists()
    assert client.post(path, _statement(course, key)).status_code == 302
    assert Protocol.objects.count() == 1


def test_another_users_key_is_not_theirs(client, course, teacher, curator):
    path = reverse("attestation:statement_create", args=[course["group"].pk])
    key = uuid.uuid4()
    client.force_login(teacher)
    client.post(path, _statement(course, key))
    client.force_login(curator)
    response = client.post(path, _statement(course, key))
    assert "Эта форма устарела" in response.content.decode()


def test_the_form_carries_a_new_key_each_time(client, course, teacher):
    client.force_login(teacher)
    path = reverse("attestation:statement_create", args=[course["group"].pk])
    keys = [client.get(path).context["form"]["submission_key"].value() for _ in range(2)]
    assert all(uuid.UUID(str(key)) for key in keys) and keys[0] != keys[1]


def test_old_keys_are_swept(client, course, teacher):
    client.force_login(teacher)
    path = reverse("attestation:statement_create", args=[course["group"].pk])
    with time_machine.travel(dt.datetime(2026, 9, 1, tzinfo=dt.UTC)):
        SubmissionKey.objects.create(key=uuid.uuid4(), user_id=teacher.pk, purpose="attestation.statement")
    client.post(path, _statement(course, uuid.uuid4()))
    assert SubmissionKey.objects.count() == 1
