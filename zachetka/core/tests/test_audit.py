import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from zachetka.core import anchors, audit, guards
from zachetka.core.models import AuditChainHead, AuditEvent
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
    """Change the table behind the application's back, as its owner would, past the trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")
        else:
            guards.install_sqlite_guards()


def _problems(**kwargs) -> list[str]:
    return [problem.message for problem in audit.verify_chain(**kwargs)]


def test_services_record_who_what_and_values(trail, registrar):
    event = AuditEvent.objects.filter(seq=1).opened()[0]
    assert event.seq == 1
    assert event.actor_id == registrar.pk
    assert event.action == audit.Action.LEARNER_CREATED
    assert event.subject_type == "people.learner"
    assert event.data["after"]["last_name"] == "Иванов"
    assert event.prev_hash == audit.GENESIS_HASH
    assert trail[1].prev_hash == event.hash


def test_intact_chain_verifies(trail, capsys):
    assert _problems() == []
    call_command("verify_audit")
    assert "Журнал аудита цел: проверено событий — 3" in capsys.readouterr().out


def test_each_hash_is_an_hmac_under_the_key_from_settings(trail, settings):
    event = trail[1]
    key = settings.AUDIT_HMAC_KEY.encode()
    assert event.key_id == audit.key_id(key)
    assert event.hash == audit.event_hash(event, key)
    assert event.hash != audit.event_hash(event, None)  # not the plain SHA-256 anyone could compute
    head = AuditChainHead.objects.get()
    expected = hmac.new(key, f"head:3:{trail[-1].hash}".encode(), hashlib.sha256).hexdigest()
    assert head.mac == expected


def test_without_the_key_the_chain_does_not_verify(trail, settings):
    settings.AUDIT_HMAC_KEY = "another-key-that-was-never-used-for-this-trail"
    problems = _problems()
    assert any("заголовок цепочки" in problem for problem in problems)
    assert any("неизвестным ключом" in problem for problem in problems)


def test_a_rotated_key_keeps_the_older_chain_verifiable(trail, settings, registrar):
    old_key = settings.AUDIT_HMAC_KEY
    settings.AUDIT_HMAC_KEY = "the-new-audit-key-after-rotation-0123456789"
    settings.AUDIT_HMAC_OLD_KEYS = [old_key]
    people_services.create_learner(
        by=registrar, last_name="Новиков", first_name="Иван", birth_date=dt.date(1991, 1, 1), sex="M"
    )
    newest = AuditEvent.objects.get(seq=4)
    assert newest.key_id == audit.key_id(b"the-new-audit-key-after-rotation-0123456789")
    assert newest.key_id != trail[0].key_id
    assert _problems() == []
    settings.AUDIT_HMAC_OLD_KEYS = []
    assert any("неизвестным ключом" in problem for problem in _problems())


def test_altered_event_is_named(trail):
    _tamper("UPDATE core_auditevent SET subject_repr = %s WHERE seq = %s", ["Подделка", 2])
    assert _problems() == ["событие №2 изменено после записи: его подпись не сходится"]
    with pytest.raises(CommandError, match="№2 изменено"):
        call_command("verify_audit")


def test_altered_data_is_detected(trail):
    _tamper(
        "UPDATE core_auditevent SET data = %s WHERE seq = %s",
        ['{"after": {"last_name": "Другой"}}', 1],
    )
    assert "событие №1 изменено" in _problems()[0]


def test_chain_rewritten_without_the_key_is_detected(trail):
    """The attack of the review: change an event and recompute every hash after it, as one can
    with the database credentials alone. Without the key the recomputed hashes do not verify."""
    events = list(AuditEvent.objects.order_by("seq"))
    events[0].subject_repr = "Подделка"
    prev = audit.GENESIS_HASH
    for event in events:
        event.prev_hash = prev
        event.hash = prev = audit.event_hash(event, b"a guessed key")
        _tamper(
            "UPDATE core_auditevent SET subject_repr = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [event.subject_repr, event.prev_hash, event.hash, event.seq],
        )
    AuditChainHead.objects.filter(id=1).update(last_hash=prev)
    problems = _problems()
    assert "заголовок цепочки (событие №3) изменён в обход приложения" in problems
    assert any("событие №1 изменено" in problem for problem in problems)


def test_deleted_event_in_the_middle_is_detected(trail):
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [2])
    assert _problems() == ["события №2 отсутствуют (удалены)"]


def test_deleted_last_event_is_detected(trail):
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [3])
    problems = _problems()
    assert problems and "последние события удалены" in problems[0]


def _forged_event(after: AuditEvent, seq: int) -> AuditEvent:
    return AuditEvent(
        seq=seq,
        at=after.at,
        action="learner.updated",
        subject_repr="вставка",
        prev_hash=after.hash,
        hash="f" * 64,
        data={},
        key_id=after.key_id,
    )


def test_inserted_event_is_named_as_inserted(trail):
    forged = _forged_event(trail[-1], 4)
    forged.hash = audit.event_hash(forged, b"not the key")
    forged.save()
    problems = _problems()
    assert problems == ["событие №4 вставлено в обход приложения (приложение записало последним событие №3)"]
    with pytest.raises(CommandError, match="вставлено"):
        call_command("verify_audit")


def test_inserted_event_with_a_moved_head_is_named_as_inserted(trail):
    """Someone with the database credentials inserts an event and moves the head to it."""
    forged = _forged_event(trail[-1], 4)
    forged.hash = audit.event_hash(forged, b"not the key")
    forged.save()
    AuditChainHead.objects.filter(id=1).update(last_seq=4, last_hash=forged.hash)
    problems = _problems()
    assert problems[0] == "заголовок цепочки (событие №4) изменён в обход приложения"
    assert problems[1] == "событие №4 вставлено в обход приложения: его подпись не сходится"


def test_inserted_event_after_a_gap_is_not_called_missing(trail):
    forged = _forged_event(trail[-1], 9)
    forged.save()
    assert _problems() == [
        "событие №9 вставлено в обход приложения (приложение записало последним событие №3)"
    ]


def test_the_database_refuses_to_update_audit_events(trail):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditevent SET reason = 'x'")
    assert AuditEvent.objects.filter(reason="x").count() == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="refusing DELETE is a PostgreSQL trigger (SQLite's flush deletes)",
)
def test_postgres_refuses_delete(trail):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.count() == 3


# Anchors outside the database


@pytest.fixture
def anchoring(settings, tmp_path, capsys):
    """An Ed25519 key made by the command, anchors written to a directory of their own."""
    key_file = tmp_path / "keys" / "anchor.pem"
    call_command("audit_anchor", "--new-key", str(key_file))
    output = capsys.readouterr().out
    public = output.strip().splitlines()[-1].split("=", 1)[1]
    settings.AUDIT_ANCHOR_SIGNING_KEY_FILE = str(key_file)
    settings.AUDIT_ANCHOR_PUBLIC_KEY = public
    settings.AUDIT_ANCHOR_DIR = str(tmp_path / "anchors")
    return tmp_path / "anchors"


def test_new_key_is_private_to_its_owner_and_never_overwritten(anchoring, settings):
    key_file = anchoring.parent / "keys" / "anchor.pem"
    assert key_file.stat().st_mode & 0o777 == 0o600
    with pytest.raises(CommandError, match="уже существует"):
        call_command("audit_anchor", "--new-key", str(key_file))


def test_anchor_is_written_signed_and_checked(trail, anchoring, capsys):
    call_command("audit_anchor")
    assert "закреплён на событии №3" in capsys.readouterr().out
    [file] = anchoring.glob("*.json")
    document = json.loads(file.read_text())
    assert (document["seq"], document["hash"]) == (3, trail[-1].hash)
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "сверено с привязками — 1 (последняя: событие №3" in out


def test_anchor_is_emailed_to_the_administration(trail, anchoring, settings, mailoutbox):
    settings.AUDIT_ANCHOR_DIR = ""
    settings.AUDIT_ANCHOR_EMAILS = ["director@example.ru"]
    call_command("audit_anchor")
    [message] = mailoutbox
    assert message.to == ["director@example.ru"]
    assert "событие №3" in message.subject
    [(name, content, _type)] = message.attachments
    assert json.loads(content)["hash"] == trail[-1].hash


def test_rewrite_with_the_key_is_caught_by_the_anchor(trail, anchoring, settings, registrar):
    """Even someone holding the HMAC key and the database cannot rewrite what was anchored."""
    call_command("audit_anchor")
    key = settings.AUDIT_HMAC_KEY.encode()
    events = list(AuditEvent.objects.order_by("seq"))
    events[1].subject_repr = "Подделка"
    prev = audit.GENESIS_HASH
    for event in events:
        event.prev_hash = prev
        event.hash = prev = audit.event_hash(event, key)
        _tamper(
            "UPDATE core_auditevent SET subject_repr = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [event.subject_repr, event.prev_hash, event.hash, event.seq],
        )
    AuditChainHead.objects.filter(id=1).update(last_hash=prev, mac=audit.head_mac(3, prev, key))
    assert _problems() == []  # the chain alone cannot tell
    with pytest.raises(CommandError, match="событие №3 не совпадает с привязкой от .*: журнал переписан"):
        call_command("verify_audit")


def test_truncated_trail_is_caught_by_the_anchor(trail, anchoring, settings):
    call_command("audit_anchor")
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [3])
    key = settings.AUDIT_HMAC_KEY.encode()
    AuditChainHead.objects.filter(id=1).update(
        last_seq=2, last_hash=trail[1].hash, mac=audit.head_mac(2, trail[1].hash, key)
    )
    with pytest.raises(
        CommandError, match="событие №3, закреплённое привязкой от .*отсутствует: журнал укорочен"
    ):
        call_command("verify_audit")


def test_forged_anchor_fails_its_signature(trail, anchoring, tmp_path):
    call_command("audit_anchor")
    [file] = anchoring.glob("*.json")
    document = json.loads(file.read_text())
    document["hash"] = "0" * 64
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="подпись привязки не сходится"):
        call_command("verify_audit", "--anchors", str(forged))


def test_anchoring_without_a_key_or_a_place_says_what_to_set(trail, settings, tmp_path):
    settings.AUDIT_ANCHOR_DIR = ""
    settings.AUDIT_ANCHOR_EMAILS = []
    with pytest.raises(CommandError, match="ZACHETKA_AUDIT_ANCHOR_DIR"):
        call_command("audit_anchor")
    with pytest.raises(CommandError, match="ZACHETKA_AUDIT_ANCHOR_SIGNING_KEY_FILE"):
        call_command("audit_anchor", "--to", str(tmp_path))


def test_anchors_without_a_public_key_cannot_be_checked(trail, anchoring, settings):
    call_command("audit_anchor")
    settings.AUDIT_ANCHOR_PUBLIC_KEY = ""
    with pytest.raises(CommandError, match="ZACHETKA_AUDIT_ANCHOR_PUBLIC_KEY"):
        call_command("verify_audit")


def test_anchor_file_name_sorts_by_sequence(trail, anchoring):
    document = {"seq": 3, "at": "2026-11-29T07:41:51+00:00"}
    assert anchors.file_name(document) == "audit-anchor-000000000003-20261129T074151Z.json"
