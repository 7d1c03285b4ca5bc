"""A learner's personal data in the audit trail is sealed under a key of theirs: readable while
the key lives, unreadable once it is destroyed, and the chain verifies either way."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from zachetka.core import audit, sealing
from zachetka.core.models import AuditEvent, SubjectKey
from zachetka.people import services as people_services
from zachetka.programs import services as program_services

SNILS = "112-233-445 95"


@pytest.fixture
def ivanov(registrar):
    return people_services.create_learner(
        by=registrar,
        last_name="Ивановский",
        first_name="Пётр",
        birth_date=dt.date(1990, 3, 7),
        sex="M",
        snils=SNILS,
        email="ivanovsky@example.ru",
    )


def _stored_rows() -> str:
    """Everything the audit table holds, as the database has it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_auditevent")
        return repr(cursor.fetchall())


def test_what_identifies_a_learner_is_stored_sealed(ivanov, make_group, registrar):
    group = make_group()
    program_services.enroll(by=registrar, learner=ivanov, group=group)
    stored = _stored_rows()
    for secret in ("Ивановский", "11223344595", "112-233-445", "1990-03-07", "ivanovsky@example.ru"):
        assert secret not in stored
    created, enrolled = AuditEvent.objects.filter(learner_id=ivanov.pk).order_by("seq").opened()
    assert created.data["after"]["snils"] == "11223344595" and created.subject_repr.startswith("Ивановский")
    assert "Ивановский" in enrolled.subject_repr
    # An event about no learner stays in the clear.
    program_services.create_program(by=registrar, title="Охрана труда", kind="other", hours=16)
    assert "Охрана труда" in _stored_rows()


def test_once_the_key_is_destroyed_the_data_is_gone_and_the_chain_still_verifies(ivanov, registrar, capsys):
    people_services.update_learner(
        by=registrar,
        learner=ivanov,
        expected_version=ivanov.version,
        reason="Паспорт Ивановского",
        phone="+7 900 1",
    )
    assert sealing.forget(ivanov.pk)
    events = AuditEvent.objects.filter(learner_id=ivanov.pk).opened()
    assert len(events) == 2
    for event in events:
        assert event.subject_repr == sealing.DESTROYED and event.data == {} and event.reason == ""
    assert "Ивановский" not in _stored_rows()
    assert list(audit.verify_chain()) == []
    call_command("verify_audit")
    assert "Журнал аудита цел" in capsys.readouterr().out
    assert not sealing.forget(ivanov.pk)  # forgetting twice changes nothing


def test_a_learners_own_log_in_hides_their_login(client, learner_user, world):
    client.post(reverse("login"), {"username": "learner", "password": "pass-for-tests-1"})
    [login] = AuditEvent.objects.filter(action=audit.Action.LOGIN).opened()
    assert login.actor_repr == "learner" and login.learner_id == world["own"].pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT actor_repr, subject_repr FROM core_auditevent WHERE seq = %s", [login.seq])
        assert cursor.fetchone() == ("", "")


def test_a_sealed_payload_cannot_be_moved_to_another_event(ivanov, registrar):
    people_services.update_learner(
        by=registrar, learner=ivanov, expected_version=ivanov.version, phone="+7 900 2"
    )
    first, second = AuditEvent.objects.filter(learner_id=ivanov.pk).order_by("seq")
    second.data = first.data  # in memory: the payload is bound to its place in the chain
    assert sealing.opened([second])[0].subject_repr == sealing.DESTROYED


def test_the_audit_page_shows_the_data_while_it_exists(client, director, ivanov):
    client.force_login(director)
    assert "Ивановский" in client.get(reverse("core:audit_list")).content.decode()
    sealing.forget(ivanov.pk)
    page = client.get(reverse("core:audit_list")).content.decode()
    assert "Ивановский" not in page and "сведения уничтожены" in page


def test_one_key_per_learner(registrar):
    entries = [
        people_services.create_learner(
            by=registrar,
            last_name=f"Сидоров{chr(1072 + n)}",
            first_name="Иван",
            birth_date=dt.date(1990, 1, 1),
            sex="M",
        )
        for n in range(3)
    ]
    assert SubjectKey.objects.filter(learner_id__in=[e.pk for e in entries]).count() == 3
