"""The audit trail: append-only, hash-chained events recorded inside the writing transaction.

Each event's hash is an HMAC under a key from the environment (settings.AUDIT_HMAC_KEY), never
stored in the database: someone holding only the database credentials can change rows but
cannot recompute a chain that verifies. Anchors (core.anchors) pin the chain's head outside the
database as well, so even a rewrite by someone who has the key is caught.
"""

import contextvars
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.dispatch import Signal
from django.utils import timezone

from zachetka.core import clientip, sealing
from zachetka.core.models import AuditChainHead, AuditEvent, SubjectKey

GENESIS_HASH = "0" * 64
current_ip: contextvars.ContextVar[str] = contextvars.ContextVar("audit_ip", default="")
# The API token a write came through (zachetka.api): every event of that write names it.
current_api_token: contextvars.ContextVar[str] = contextvars.ContextVar("audit_api_token", default="")


class Action:
    LOGIN = "auth.login"
    LOGOUT = "auth.logout"
    LOGIN_FAILED = "auth.login_failed"  # no longer recorded (core.login_lockout); older events keep it
    LEARNER_CREATED = "learner.created"
    LEARNER_UPDATED = "learner.updated"
    LEARNERS_IMPORTED = "learner.imported"
    LEARNER_DEPERSONALISED = "learner.depersonalised"
    PROGRAM_CREATED = "program.created"
    PROGRAM_UPDATED = "program.updated"
    MODULE_CREATED = "module.created"
    MODULE_UPDATED = "module.updated"
    GROUP_CREATED = "group.created"
    GROUP_UPDATED = "group.updated"
    TEACHER_ASSIGNED = "group.teacher_assigned"
    TEACHER_UNASSIGNED = "group.teacher_unassigned"
    ENROLLMENT_CREATED = "enrollment.created"
    ENROLLMENT_UPDATED = "enrollment.updated"
    ASSESSMENT_CREATED = "assessment.created"
    ASSESSMENT_UPDATED = "assessment.updated"
    ASSESSMENT_DELETED = "assessment.deleted"
    GRADE_ENTERED = "grade.entered"
    GRADE_CORRECTED = "grade.corrected"
    GRADES_FILLED = "grade.column_filled"
    GRADES_IMPORTED = "grade.imported"  # a Moodle gradebook export (zachetka.lms)
    GRADEBOOK_LOCKED = "gradebook.locked"
    GRADEBOOK_UNLOCKED = "gradebook.unlocked"
    SCALE_CHANGED = "scale.changed"
    COMMISSION_CREATED = "commission.created"
    PROTOCOL_CREATED = "protocol.created"
    PROTOCOL_RESULT_SET = "protocol.result_set"
    PROTOCOL_ATTENDANCE_SET = "protocol.attendance_set"
    PROTOCOL_SIGNATURE = "protocol.signature"
    PROTOCOL_SIGNED = "protocol.signed"
    PROTOCOL_ANNULLED = "protocol.annulled"
    DOCUMENT_ISSUED = "document.issued"
    DOCUMENT_LOST = "document.lost"
    DOCUMENT_EXCHANGED = "document.exchanged"
    DOCUMENT_DESTROYED = "document.destroyed"
    DOCUMENT_REVOKED = "document.revoked"
    DOCUMENT_VOIDED = "document.voided"
    FRDO_EXPORTED = "frdo.exported"
    FRDO_CORRECTED = "frdo.corrected"
    BLANKS_RECEIVED = "blanks.received"
    BLANK_USED = "blank.used"
    BLANKS_WRITTEN_OFF = "blanks.written_off"
    ACHIEVEMENT_RECORDED = "achievement.recorded"
    ACHIEVEMENT_PROPOSED = "achievement.proposed"
    ACHIEVEMENT_CONFIRMED = "achievement.confirmed"
    ACHIEVEMENT_REJECTED = "achievement.rejected"
    CARD_FROZEN = "card.frozen"
    CABINET_OPENED = "cabinet.opened"
    RETENTION_HOLD_SET = "retention.hold_set"
    RETENTION_HOLD_RELEASED = "retention.hold_released"
    DESTRUCTION_ACT_DRAFTED = "destruction.drafted"
    DESTRUCTION_ACT_APPROVED = "destruction.approved"
    DESTRUCTION_ACT_EXECUTED = "destruction.executed"
    DESTRUCTION_RECORDS_ERASED = "destruction.records_erased"
    PERSONAL_DATA_DESTROYED = "personal_data.destroyed"
    BACKUP_CREATED = "backup.created"
    BACKUP_DELETED = "backup.deleted"
    REQUISITES_UPDATED = "organization.requisites_updated"
    ACCESS_EXTRACT_ISSUED = "accesslog.extract_issued"
    VERIFICATION_IPS_ERASED = "verification.ips_erased"
    PAPER_CASE_CREATED = "paper.case_created"
    PAPER_CASE_UPDATED = "paper.case_updated"
    PAPER_ORIGINAL_REGISTERED = "paper.original_registered"
    RECIPIENT_CREATED = "privacy.recipient_created"
    CONSENT_RECORDED = "privacy.consent_recorded"
    CONSENT_SIGNED = "privacy.consent_signed"
    CONSENT_WITHDRAWN = "privacy.consent_withdrawn"
    WITHDRAWAL_CLOSED = "privacy.withdrawal_closed"
    DATA_DISCLOSED = "privacy.disclosed"
    STAFF_CREATED = "staff.created"
    STAFF_UPDATED = "staff.updated"
    STAFF_DEACTIVATED = "staff.deactivated"
    STAFF_REACTIVATED = "staff.reactivated"
    SCALE_CREATED = "scale.created"
    DEADLINES_UPDATED = "organization.deadlines_updated"
    LOCKOUT_LIFTED = "auth.lockout_lifted"
    REPRESENTATIVE_CREATED = "privacy.representative_created"
    REPRESENTATIVE_DEACTIVATED = "privacy.representative_deactivated"
    API_TOKEN_CREATED = "api.token_created"  # noqa: S105 - an event name, not a secret
    API_TOKEN_REVOKED = "api.token_revoked"  # noqa: S105 - an event name, not a secret


ACTION_LABELS = {
    Action.LOGIN: "Вход в систему",
    Action.LOGOUT: "Выход из системы",
    Action.LOGIN_FAILED: "Неудачная попытка входа",
    Action.LEARNER_CREATED: "Слушатель добавлен",
    Action.LEARNER_UPDATED: "Данные слушателя изменены",
    Action.LEARNERS_IMPORTED: "Импорт слушателей",
    Action.LEARNER_DEPERSONALISED: "Персональные данные слушателя уничтожены (обезличен)",
    Action.PROGRAM_CREATED: "Программа добавлена",
    Action.PROGRAM_UPDATED: "Программа изменена",
    Action.MODULE_CREATED: "Модуль добавлен",
    Action.MODULE_UPDATED: "Модуль изменён",
    Action.GROUP_CREATED: "Группа добавлена",
    Action.GROUP_UPDATED: "Группа изменена",
    Action.TEACHER_ASSIGNED: "Преподаватель назначен",
    Action.TEACHER_UNASSIGNED: "Назначение преподавателя снято",
    Action.ENROLLMENT_CREATED: "Зачисление",
    Action.ENROLLMENT_UPDATED: "Изменение зачисления",
    Action.ASSESSMENT_CREATED: "Контрольное мероприятие добавлено",
    Action.ASSESSMENT_UPDATED: "Контрольное мероприятие изменено",
    Action.ASSESSMENT_DELETED: "Контрольное мероприятие удалено",
    Action.GRADE_ENTERED: "Оценка выставлена",
    Action.GRADE_CORRECTED: "Оценка исправлена",
    Action.GRADES_FILLED: "Столбец оценок заполнен",
    Action.GRADES_IMPORTED: "Оценки импортированы из Moodle",
    Action.GRADEBOOK_LOCKED: "Журнал модуля закрыт",
    Action.GRADEBOOK_UNLOCKED: "Журнал модуля открыт",
    Action.SCALE_CHANGED: "Шкала оценивания изменена",
    Action.COMMISSION_CREATED: "Аттестационная комиссия утверждена",
    Action.PROTOCOL_CREATED: "Протокол (ведомость) составлен",
    Action.PROTOCOL_RESULT_SET: "Результат внесён в протокол",
    Action.PROTOCOL_ATTENDANCE_SET: "Отмечены присутствующие члены комиссии",
    Action.PROTOCOL_SIGNATURE: "Протокол подписан участником",
    Action.PROTOCOL_SIGNED: "Протокол подписан",
    Action.PROTOCOL_ANNULLED: "Протокол аннулирован",
    Action.DOCUMENT_ISSUED: "Документ выдан",
    Action.DOCUMENT_LOST: "Документ утрачен (выдан дубликат)",
    Action.DOCUMENT_EXCHANGED: "Документ обменян",
    Action.DOCUMENT_DESTROYED: "Бланк документа уничтожен",
    Action.DOCUMENT_REVOKED: "Документ аннулирован",
    Action.DOCUMENT_VOIDED: "Документ недействителен: протокол аннулирован",
    Action.FRDO_EXPORTED: "Выгрузка в ФИС ФРДО",
    Action.FRDO_CORRECTED: "Сведения исправлены в ФИС ФРДО вручную",
    Action.BLANKS_RECEIVED: "Бланки поступили",
    Action.BLANK_USED: "Бланк использован для документа",
    Action.BLANKS_WRITTEN_OFF: "Бланки списаны по акту",
    Action.ACHIEVEMENT_RECORDED: "Достижение внесено",
    Action.ACHIEVEMENT_PROPOSED: "Достижение предложено слушателем",
    Action.ACHIEVEMENT_CONFIRMED: "Достижение подтверждено",
    Action.ACHIEVEMENT_REJECTED: "Достижение отклонено",
    Action.CARD_FROZEN: "Версия индивидуальной карты зафиксирована",
    Action.CABINET_OPENED: "Открыт личный кабинет",
    Action.RETENTION_HOLD_SET: "Срок хранения записей приостановлен",
    Action.RETENTION_HOLD_RELEASED: "Приостановка срока хранения снята",
    Action.DESTRUCTION_ACT_DRAFTED: "Составлен проект акта об уничтожении ПДн",
    Action.DESTRUCTION_ACT_APPROVED: "Акт об уничтожении ПДн утверждён",
    Action.DESTRUCTION_ACT_EXECUTED: "Акт об уничтожении ПДн исполнен",
    Action.DESTRUCTION_RECORDS_ERASED: "Акт и выгрузка об уничтожении удалены по истечении срока",
    Action.PERSONAL_DATA_DESTROYED: "Персональные данные уничтожены по акту",
    Action.BACKUP_CREATED: "Создана резервная копия",
    Action.BACKUP_DELETED: "Резервная копия удалена",
    Action.REQUISITES_UPDATED: "Реквизиты организации изменены",
    Action.ACCESS_EXTRACT_ISSUED: "Слушателю выдана выписка из журнала доступа к его сведениям",
    Action.VERIFICATION_IPS_ERASED: "Адреса IP проверок подлинности стёрты по истечении срока",
    Action.PAPER_CASE_CREATED: "Дело внесено в номенклатуру",
    Action.PAPER_CASE_UPDATED: "Дело номенклатуры изменено",
    Action.PAPER_ORIGINAL_REGISTERED: "Подлинник на бумаге подшит в дело",
    Action.RECIPIENT_CREATED: "Добавлен получатель персональных данных",
    Action.CONSENT_RECORDED: "Согласие на передачу ПДн составлено",
    Action.CONSENT_SIGNED: "Приложен скан подписанного согласия",
    Action.CONSENT_WITHDRAWN: "Согласие на передачу ПДн отозвано",
    Action.WITHDRAWAL_CLOSED: "Обработка по отозванному согласию прекращена",
    Action.DATA_DISCLOSED: "Персональные данные переданы третьему лицу",
    Action.STAFF_CREATED: "Сотрудник добавлен",
    Action.STAFF_UPDATED: "Данные сотрудника изменены",
    Action.STAFF_DEACTIVATED: "Учётная запись сотрудника деактивирована",
    Action.STAFF_REACTIVATED: "Учётная запись сотрудника восстановлена",
    Action.SCALE_CREATED: "Шкала оценивания добавлена",
    Action.DEADLINES_UPDATED: "Сроки организации изменены",
    Action.LOCKOUT_LIFTED: "Блокировка входа снята",
    Action.REPRESENTATIVE_CREATED: "Открыта учётная запись представителя организации",
    Action.REPRESENTATIVE_DEACTIVATED: "Учётная запись представителя организации деактивирована",
    Action.API_TOKEN_CREATED: "Выпущен токен API",
    Action.API_TOKEN_REVOKED: "Токен API отозван",
}


# Sent with the list of AuditEvent rows just appended.
events_recorded = Signal()


def client_ip(request: Any) -> str:
    """The address a request came from, trusted proxies considered (core.clientip)."""
    return clientip.client_ip(request)


@dataclass(frozen=True)
class Entry:
    """An event to append: what happened to which object, with values before and after."""

    action: str
    subject: models.Model | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str = ""
    extra: dict[str, Any] | None = None


def _plain(value: Any) -> Any:
    """Round-trip through JSON so the stored value equals the hashed one on every database."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values as JSON keeps them (ids, dates and numbers as text); record() stores them."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, dt.date | dt.datetime | Decimal | str):  # str: a choices member too
            value = str(value)
        values[name] = value
    return values


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the fields whose value differs."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@dataclass(frozen=True)
class Keys:
    """The key new events are signed with and every key (current and retired) by its id."""

    current_id: str
    by_id: dict[str, bytes]

    @property
    def current(self) -> bytes:
        return self.by_id[self.current_id]


def key_id(key: bytes) -> str:
    """A short name for a key that reveals nothing about it."""
    return hmac.new(key, b"zachetka audit key id", hashlib.sha256).hexdigest()[:16]


def keys() -> Keys:
    """The audit keys from settings: the current one and those retired by a rotation."""
    current = settings.AUDIT_HMAC_KEY.encode("utf-8")
    retired = [key.encode("utf-8") for key in settings.AUDIT_HMAC_OLD_KEYS]
    return Keys(key_id(current), {key_id(key): key for key in (*retired, current)})


def event_hash(event: AuditEvent, key: bytes | None) -> str:
    """The event's HMAC-SHA256 under `key`; None gives the plain SHA-256 of unkeyed history."""
    payload = {
        "seq": event.seq,
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_repr": event.actor_repr,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "subject_repr": event.subject_repr,
        "data": event.data,
        "reason": event.reason,
        "ip_address": event.ip_address,
        "prev_hash": event.prev_hash,
    }
    if key is not None:
        payload["key_id"] = event.key_id
        if event.learner_id is not None:  # events sealed under a learner's key name the learner
            payload["learner_id"] = event.learner_id
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if key is None:
        return hashlib.sha256(canonical).hexdigest()
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def head_mac(last_seq: int, last_hash: str, key: bytes) -> str:
    return hmac.new(key, f"head:{last_seq}:{last_hash}".encode(), hashlib.sha256).hexdigest()


def _actor_fields(by: Any) -> tuple[int | None, str]:
    if by is None or not getattr(by, "is_authenticated", False):
        return None, ""
    return by.pk, by.get_username()


def _build(entry: Entry, *, by: Any, at: dt.datetime) -> AuditEvent:
    actor_id, actor_repr = _actor_fields(by)
    data: dict[str, Any] = {}
    if entry.before is not None:
        data["before"] = entry.before
    if entry.after is not None:
        data["after"] = entry.after
    if entry.extra:
        data.update(entry.extra)
    if api_token := current_api_token.get():
        data["api_token"] = api_token
    subject = entry.subject
    return AuditEvent(
        at=at,
        actor_id=actor_id,
        actor_repr=actor_repr,
        action=entry.action,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        subject_repr=str(subject)[:255] if subject is not None else "",
        data=_plain(data),
        reason=entry.reason,
        ip_address=current_ip.get(),
    )


def _insert(events: list[AuditEvent]) -> None:
    """Insert events with one executemany.

    An import appends tens of thousands of events; bulk_create's compiler spends more on each
    value than the database does. The events' ids are not read back: the chain identifies an
    event by its `seq`.
    """
    fields = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model, values bound
        quote(AuditEvent._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = [
        [field.get_db_prep_save(getattr(event, field.attname), connection) for field in fields]
        for event in events
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@dataclass(frozen=True)
class HeadSnapshot:
    """The chain's head and one learner's sealing key as a caller read them with its own data,
    before its transaction (see `head_snapshot_annotations`). `record_many(head=...)` then
    appends without reading or locking the head: the head's update checks that it has not moved
    since (HeadMoved otherwise) — one statement instead of a locking read and an update."""

    last_seq: int
    last_hash: str
    learner_id: int
    subject_key: bytes | None


class HeadMoved(Exception):  # noqa: N818 - a signal to retry, not an error shown to anyone
    """Another append came between the snapshot and this transaction's update of the head; the
    caller's transaction is undone and the caller tries again with a locked head."""


def head_snapshot_annotations(learner_id: Any) -> dict[str, models.Expression]:
    """Annotations that read the head and the key of `learner_id` (a value or an expression)
    along with any query; `head_snapshot` turns a row read with them into a HeadSnapshot."""
    head = AuditChainHead.objects.filter(id=1)
    return {
        "audit_head_seq": models.Subquery(head.values("last_seq")[:1]),
        "audit_head_hash": models.Subquery(head.values("last_hash")[:1]),
        "audit_subject_key": models.Subquery(
            SubjectKey.objects.filter(learner_id=learner_id).values("key")[:1]
        ),
    }


def head_snapshot(row: Any, learner_id: int) -> HeadSnapshot | None:
    if row.audit_head_seq is None:  # no event yet: the first append makes the head, locked
        return None
    key = row.audit_subject_key
    return HeadSnapshot(row.audit_head_seq, row.audit_head_hash, learner_id, bytes(key) if key else None)


def record_many(entries: Iterable[Entry], *, by: Any, head: HeadSnapshot | None = None) -> list[AuditEvent]:
    """Append events to the chain atomically; call inside the transaction of the change.

    What an event holds about a learner is sealed under that learner's key before it is hashed
    (core.sealing), so the learner's data can later be destroyed without breaking the chain.
    `head`, read by the caller before its transaction, spares the locking read of the head
    (HeadMoved when it has moved since)."""
    at = timezone.now()
    entries = list(entries)
    events = [_build(entry, by=by, at=at) for entry in entries]
    if not events:
        return []
    signing = keys()
    # No savepoint of its own: the events belong to the caller's transaction, and an error here
    # undoes the whole change (a savepoint costs two statements on every audited write).
    with transaction.atomic(savepoint=False):
        actor_learner = sealing.actor_learner(by)
        learners = sealing.data_subjects(
            [entry.subject for entry in entries], by, actor_learner_id=actor_learner
        )
        wanted = {learner for learner in learners if learner is not None}
        if head is not None and wanted == {head.learner_id}:
            locked = None
            seq, prev_hash = head.last_seq, head.last_hash
            subject_keys = (
                {head.learner_id: head.subject_key} if head.subject_key else sealing.new_keys(wanted)
            )
        else:
            locked = _locked_head(key_of=next(iter(wanted)) if len(wanted) == 1 else None)
            seq, prev_hash = locked.last_seq, locked.last_hash
            if len(wanted) == 1 and hasattr(locked, "subject_key"):  # read with the head
                known = locked.subject_key
                subject_keys = (
                    {learner: bytes(known) for learner in wanted} if known else sealing.new_keys(wanted)
                )
            else:
                subject_keys = sealing.keys_for(wanted)
        first_seq, first_prev = seq, prev_hash
        for event, learner_id in zip(events, learners, strict=True):
            seq += 1
            event.seq, event.prev_hash, event.key_id = seq, prev_hash, signing.current_id
            if learner_id is not None:
                event.learner_id = learner_id
                sealing.seal(event, subject_keys[learner_id], actor_is_subject=actor_learner == learner_id)
            event.hash = prev_hash = event_hash(event, signing.current)
        mac = head_mac(seq, prev_hash, signing.current)
        if locked is None:
            moved = not AuditChainHead.objects.filter(id=1, last_seq=first_seq, last_hash=first_prev).update(
                last_seq=seq, last_hash=prev_hash, mac=mac
            )
            if moved:
                raise HeadMoved
            _insert(events)
        else:
            _insert(events)
            locked.last_seq, locked.last_hash, locked.mac = seq, prev_hash, mac
            locked.save(update_fields=["last_seq", "last_hash", "mac"])
        # Every domain write passes here, so this is where derived records (the frozen learner
        # cards) learn that something they show has changed; still inside the write's transaction.
        events_recorded.send(sender=AuditEvent, events=events)
    return events


def _locked_head(*, key_of: int | None) -> AuditChainHead:
    """The chain's head, locked to the end of the transaction. Events about one learner (most
    writes) read that learner's sealing key in the same query (`subject_key`, None while they
    have none yet: then sealing.new_keys makes it)."""
    heads = AuditChainHead.objects.select_for_update()
    if key_of is not None:
        key = SubjectKey.objects.filter(learner_id=key_of).values("key")[:1]
        heads = heads.annotate(subject_key=models.Subquery(key))
    head = heads.filter(id=1).first()
    if head is None:
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    return head


def record(
    *,
    by: Any,
    action: str,
    subject: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    extra: dict[str, Any] | None = None,
    head: HeadSnapshot | None = None,
) -> AuditEvent:
    entry = Entry(action=action, subject=subject, before=before, after=after, reason=reason, extra=extra)
    return record_many([entry], by=by, head=head)[0]


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    message: str


def _numbers(first: int, last: int) -> str:
    return f"№{first}" if first == last else f"№{first}–{last}"


def verify_chain(
    chunk_size: int = 5000, anchors: Iterable[Any] = (), using: str = "default"
) -> Iterator[ChainProblem]:
    """Walk the chain in order and yield what is wrong with it (nothing when intact): a forged
    head, the first break in the chain, and every anchor (core.anchors.Anchor) the trail no
    longer agrees with."""
    known = keys().by_id
    events = AuditEvent.objects.using(using)
    head = AuditChainHead.objects.using(using).filter(id=1).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    head_trusted = True
    if head and head.mac:
        expected = [head_mac(head_seq, head_hash, key) for key in known.values()]
        head_trusted = any(hmac.compare_digest(head.mac, mac) for mac in expected)
    elif head and events.exclude(key_id="").exists():
        head_trusted = False  # keyed events are always written with a keyed head
    if not head_trusted:
        yield ChainProblem(head_seq, f"заголовок цепочки (событие №{head_seq}) изменён в обход приложения")
    yield from _walk(events, chunk_size, known, head_seq if head_trusted else None, head_hash)
    yield from _check_anchors(events, anchors, head_seq)


def _walk(
    events: models.QuerySet, chunk_size: int, known: dict[str, bytes], trusted_end: int | None, head_hash: str
) -> Iterator[ChainProblem]:
    expected_seq, prev_hash, keyed = 1, GENESIS_HASH, False
    last: AuditEvent | None = None
    while True:
        chunk = list(events.filter(seq__gte=expected_seq).order_by("seq")[:chunk_size])
        if not chunk:
            break
        for event in chunk:
            if trusted_end is not None and event.seq > trusted_end:
                yield ChainProblem(
                    event.seq,
                    f"событие №{event.seq} вставлено в обход приложения "
                    f"(приложение записало последним событие №{trusted_end})",
                )
                return
            if event.seq != expected_seq:
                yield ChainProblem(
                    expected_seq, f"события {_numbers(expected_seq, event.seq - 1)} отсутствуют (удалены)"
                )
                return
            if event.prev_hash != prev_hash:
                yield ChainProblem(
                    event.seq,
                    f"событие №{event.seq} не продолжает цепочку (вставлено или предыдущее изменено)",
                )
                return
            if event.key_id and event.key_id not in known:
                yield ChainProblem(
                    event.seq,
                    f"событие №{event.seq} подписано неизвестным ключом «{event.key_id}»: "
                    "подделано или не указан прежний ключ (ZACHETKA_AUDIT_HMAC_OLD_KEYS)",
                )
                return
            if keyed and not event.key_id:
                yield ChainProblem(
                    event.seq, f"событие №{event.seq} записано без ключа: вставлено или изменено"
                )
                return
            keyed = keyed or bool(event.key_id)
            key = known[event.key_id] if event.key_id else None
            if not hmac.compare_digest(event_hash(event, key), event.hash):
                tail_forged = trusted_end is None and event.seq == _last_seq(events)
                what = "вставлено в обход приложения" if tail_forged else "изменено после записи"
                yield ChainProblem(event.seq, f"событие №{event.seq} {what}: его подпись не сходится")
                return
            prev_hash = event.hash
            expected_seq += 1
            last = event
    last_seq = last.seq if last else 0
    if trusted_end is not None and last_seq < trusted_end:
        yield ChainProblem(
            last_seq + 1,
            f"последние события удалены: журнал заканчивается на №{last_seq}, а должен на №{trusted_end}",
        )
    elif trusted_end is not None and trusted_end and head_hash != prev_hash:
        yield ChainProblem(trusted_end, f"событие №{trusted_end} не совпадает с последним записанным")


def _last_seq(events: models.QuerySet) -> int:
    return events.order_by("-seq").values_list("seq", flat=True).first() or 0


def _check_anchors(events: models.QuerySet, anchors: Iterable[Any], head_seq: int) -> Iterator[ChainProblem]:
    anchors = list(anchors)
    stored = dict(events.filter(seq__in={a.seq for a in anchors}).values_list("seq", "hash"))
    for anchor in sorted(anchors, key=lambda a: a.seq):
        when = timezone.localtime(anchor.at).strftime("%d.%m.%Y %H:%M")
        if anchor.seq > head_seq or anchor.seq not in stored:
            yield ChainProblem(
                anchor.seq,
                f"событие №{anchor.seq}, закреплённое привязкой от {when}, отсутствует: журнал укорочен",
            )
        elif not hmac.compare_digest(stored[anchor.seq], anchor.hash):
            yield ChainProblem(
                anchor.seq,
                f"событие №{anchor.seq} не совпадает с привязкой от {when}: журнал переписан",
            )
