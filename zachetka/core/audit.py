"""The audit trail: append-only, hash-chained events recorded inside the writing transaction."""

import contextvars
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.dispatch import Signal
from django.utils import timezone

from zachetka.core import clientip
from zachetka.core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
current_ip: contextvars.ContextVar[str] = contextvars.ContextVar("audit_ip", default="")


class Action:
    LOGIN = "auth.login"
    LOGOUT = "auth.logout"
    LOGIN_FAILED = "auth.login_failed"  # no longer recorded (core.login_lockout); older events keep it
    LEARNER_CREATED = "learner.created"
    LEARNER_UPDATED = "learner.updated"
    LEARNERS_IMPORTED = "learner.imported"
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
    GRADEBOOK_LOCKED = "gradebook.locked"
    GRADEBOOK_UNLOCKED = "gradebook.unlocked"
    SCALE_CHANGED = "scale.changed"
    COMMISSION_CREATED = "commission.created"
    PROTOCOL_CREATED = "protocol.created"
    PROTOCOL_RESULT_SET = "protocol.result_set"
    PROTOCOL_SIGNATURE = "protocol.signature"
    PROTOCOL_SIGNED = "protocol.signed"
    PROTOCOL_ANNULLED = "protocol.annulled"
    DOCUMENT_ISSUED = "document.issued"
    DOCUMENT_LOST = "document.lost"
    DOCUMENT_EXCHANGED = "document.exchanged"
    DOCUMENT_DESTROYED = "document.destroyed"
    DOCUMENT_REVOKED = "document.revoked"
    FRDO_EXPORTED = "frdo.exported"
    ACHIEVEMENT_RECORDED = "achievement.recorded"
    ACHIEVEMENT_PROPOSED = "achievement.proposed"
    ACHIEVEMENT_CONFIRMED = "achievement.confirmed"
    ACHIEVEMENT_REJECTED = "achievement.rejected"
    CARD_FROZEN = "card.frozen"
    CABINET_OPENED = "cabinet.opened"


ACTION_LABELS = {
    Action.LOGIN: "Вход в систему",
    Action.LOGOUT: "Выход из системы",
    Action.LOGIN_FAILED: "Неудачная попытка входа",
    Action.LEARNER_CREATED: "Слушатель добавлен",
    Action.LEARNER_UPDATED: "Данные слушателя изменены",
    Action.LEARNERS_IMPORTED: "Импорт слушателей",
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
    Action.GRADEBOOK_LOCKED: "Журнал модуля закрыт",
    Action.GRADEBOOK_UNLOCKED: "Журнал модуля открыт",
    Action.SCALE_CHANGED: "Шкала оценивания изменена",
    Action.COMMISSION_CREATED: "Аттестационная комиссия утверждена",
    Action.PROTOCOL_CREATED: "Протокол (ведомость) составлен",
    Action.PROTOCOL_RESULT_SET: "Результат внесён в протокол",
    Action.PROTOCOL_SIGNATURE: "Протокол подписан участником",
    Action.PROTOCOL_SIGNED: "Протокол подписан",
    Action.PROTOCOL_ANNULLED: "Протокол аннулирован",
    Action.DOCUMENT_ISSUED: "Документ выдан",
    Action.DOCUMENT_LOST: "Документ утрачен (выдан дубликат)",
    Action.DOCUMENT_EXCHANGED: "Документ обменян",
    Action.DOCUMENT_DESTROYED: "Бланк документа уничтожен",
    Action.DOCUMENT_REVOKED: "Документ аннулирован",
    Action.FRDO_EXPORTED: "Выгрузка в ФИС ФРДО",
    Action.ACHIEVEMENT_RECORDED: "Достижение внесено",
    Action.ACHIEVEMENT_PROPOSED: "Достижение предложено слушателем",
    Action.ACHIEVEMENT_CONFIRMED: "Достижение подтверждено",
    Action.ACHIEVEMENT_REJECTED: "Достижение отклонено",
    Action.CARD_FROZEN: "Версия индивидуальной карты зафиксирована",
    Action.CABINET_OPENED: "Открыт личный кабинет",
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


def event_hash(event: AuditEvent) -> str:
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
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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


def record_many(entries: Iterable[Entry], *, by: Any) -> list[AuditEvent]:
    """Append events to the chain atomically; call inside the transaction of the change."""
    at = timezone.now()
    events = [_build(entry, by=by, at=at) for entry in entries]
    if not events:
        return []
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        seq, prev_hash = head.last_seq, head.last_hash
        for event in events:
            seq += 1
            event.seq, event.prev_hash = seq, prev_hash
            event.hash = prev_hash = event_hash(event)
        _insert(events)
        head.last_seq, head.last_hash = seq, prev_hash
        head.save(update_fields=["last_seq", "last_hash"])
        # Every domain write passes here, so this is where derived records (the frozen learner
        # cards) learn that something they show has changed; still inside the write's transaction.
        events_recorded.send(sender=AuditEvent, events=events)
    return events


def record(
    *,
    by: Any,
    action: str,
    subject: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    entry = Entry(action=action, subject=subject, before=before, after=after, reason=reason, extra=extra)
    return record_many([entry], by=by)[0]


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    message: str


def verify_chain(chunk_size: int = 5000) -> Iterator[ChainProblem]:
    """Walk the chain in order and yield the first break found (nothing when intact)."""
    expected_seq, prev_hash = 1, GENESIS_HASH
    last_pk = 0
    while True:
        chunk = list(AuditEvent.objects.filter(seq__gte=expected_seq).order_by("seq")[:chunk_size])
        if not chunk:
            break
        for event in chunk:
            if event.seq != expected_seq:
                yield ChainProblem(expected_seq, f"событие №{expected_seq} отсутствует (удалено)")
                return
            if event.prev_hash != prev_hash:
                yield ChainProblem(
                    event.seq,
                    f"событие №{event.seq} не продолжает цепочку (вставлено или предыдущее изменено)",
                )
                return
            if event_hash(event) != event.hash:
                yield ChainProblem(event.seq, f"событие №{event.seq} изменено после записи")
                return
            prev_hash = event.hash
            expected_seq += 1
            last_pk = event.seq
    head = AuditChainHead.objects.filter(id=1).first()
    last_seq = head.last_seq if head else 0
    if last_pk > last_seq:
        yield ChainProblem(last_seq + 1, f"событие №{last_seq + 1} добавлено в обход приложения")
    elif last_pk < last_seq:
        yield ChainProblem(
            last_pk + 1,
            f"последние события удалены: журнал заканчивается на №{last_pk}, а должен на №{last_seq}",
        )
    elif head and last_seq and head.last_hash != prev_hash:
        yield ChainProblem(last_seq, f"событие №{last_seq} не совпадает с последним записанным")
