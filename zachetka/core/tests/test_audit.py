import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.people import services as people_services


@pytest.fixture
def trail(registrar):
    """Three learners created through services: three audited events."""
    for n, name in enumerate(["Иванов", "Петров", "Сидоров"]):
        people_services.create_learner(
            by=registrar, last_name=name, first_name="Иван", birth_date=dt.date(1990, 1, n + 1), sex="M"
        )
    return list(AuditEvent.objects.order_by("seq"))


def _tamper(sql: str, params: list) -> None:
    """Change the table behind the application's back (on PostgreSQL, past the trigger)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


def _problems() -> list[audit.ChainProblem]:
    return list(audit.verify_chain())


def test_services_record_who_what_and_values(trail, registrar):
    event = trail[0]
    assert event.seq == 1
    assert event.actor_id == registrar.pk
    assert event.action == audit.Action.LEARNER_CREATED
    assert event.subject_type == "people.learner"
    assert event.data["after"]["last_name"] == "Иванов"
    assert event.prev_hash == audit.GENESIS_HASH
    assert trail[1].prev_hash == event.hash


def test_intact_chain_verifies(trail):
    assert _problems() == []
    call_command("verify_audit")


def test_altered_event_is_named(trail):
    _tamper("UPDATE core_auditevent SET subject_repr = %s WHERE seq = %s", ["Подделка", 2])
    problems = _problems()
    assert problems[0].seq == 2
    assert "изменено" in problems[0].message
    with pytest.raises(CommandError, match="№2"):
        call_command("verify_audit")


def test_altered_data_is_detected(trail):
    _tamper(
        "UPDATE core_auditevent SET data = %s WHERE seq = %s",
        ['{"after": {"last_name": "Другой"}}', 1],
    )
    assert _problems()[0].seq == 1


def test_deleted_event_in_the_middle_is_detected(trail):
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [2])
    problems = _problems()
    assert problems[0].seq == 2
    assert "отсутствует" in problems[0].message


def test_deleted_last_event_is_detected(trail):
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [3])
    problems = _problems()
    assert problems and "последние события удалены" in problems[0].message


def test_inserted_event_is_detected(trail):
    forged = AuditEvent(
        seq=4,
        at=trail[-1].at,
        action="learner.updated",
        subject_repr="вставка",
        prev_hash=trail[-1].hash,
        hash="f" * 64,
        data={},
    )
    forged.hash = audit.event_hash(forged)  # even a correctly hashed insertion is caught by the head
    forged.save()
    assert _problems()[0].seq == 4


def test_rewritten_chain_is_detected(trail):
    """Changing an event and recomputing its hash still breaks the link to the next one."""
    event = trail[0]
    event.subject_repr = "Подделка"
    new_hash = audit.event_hash(event)
    _tamper("UPDATE core_auditevent SET subject_repr = %s, hash = %s WHERE seq = 1", ["Подделка", new_hash])
    assert _problems()[0].seq == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database-level refusal is a PostgreSQL trigger"
)
@pytest.mark.parametrize("sql", ["UPDATE core_auditevent SET reason = 'x'", "DELETE FROM core_auditevent"])
def test_postgres_refuses_update_and_delete(trail, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.count() == 3
