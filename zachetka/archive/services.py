"""Writes of retention: legal holds, destruction acts from draft to execution, the backups
register. One transaction each, audited."""

import datetime as dt
import hashlib
import io
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from zachetka.achievements import services as achievements
from zachetka.archive import selectors
from zachetka.archive.models import ActCounter, BackupRecord, DestructionAct, DestructionItem, RetentionHold
from zachetka.cards import services as cards
from zachetka.core import access, audit, numbering, pdf, sealing, xlsx
from zachetka.core.models import AuditEvent
from zachetka.organization import selectors as organization
from zachetka.people import services as people
from zachetka.people.models import Learner
from zachetka.privacy import services as privacy
from zachetka.programs.models import Enrollment

# The information system the act and the log extract name (Приказ РКН № 179, п. 5 «в»).
SYSTEM_NAME = "«Зачётка» — система индивидуального учёта результатов освоения образовательных программ"
METHOD = "обезличивание записей и удаление сведений из базы данных, файлов и журнала аудита"
EXTRA_CATEGORIES = (
    "подтверждающие файлы достижений",
    "содержание зафиксированных индивидуальных карт и их PDF",
    "сведения о слушателе в журнале аудита",
    "сканы согласий, их отзывов и оснований передачи, переданные выписки",
)


@transaction.atomic
def set_hold(*, by: User, enrollment: Enrollment, reason: str) -> RetentionHold:
    """Suspend the retention of an enrolment's records (a dispute, an authority's request)."""
    access.require(by, "archive.add_retentionhold")
    if not reason.strip():
        raise ValidationError({"reason": "Укажите основание приостановки."})
    if RetentionHold.objects.filter(enrollment=enrollment, released_at__isnull=True).exists():
        raise ValidationError("Срок хранения этих записей уже приостановлен.")
    hold = RetentionHold.objects.create(enrollment=enrollment, reason=reason.strip(), set_by=by)
    audit.record(by=by, action=audit.Action.RETENTION_HOLD_SET, subject=enrollment, reason=hold.reason)
    return hold


@transaction.atomic
def release_hold(*, by: User, hold: RetentionHold, reason: str) -> RetentionHold:
    access.require(by, "archive.change_retentionhold")
    hold = RetentionHold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is not None:
        raise ValidationError("Приостановка уже снята.")
    if not reason.strip():
        raise ValidationError({"reason": "Укажите основание снятия приостановки."})
    hold.released_by, hold.released_at, hold.release_reason = by, timezone.now(), reason.strip()
    hold.save(update_fields=["released_by", "released_at", "release_reason"])
    audit.record(
        by=by,
        action=audit.Action.RETENTION_HOLD_RELEASED,
        subject=hold.enrollment,
        reason=hold.release_reason,
    )
    return hold


def _studies(learner: Learner) -> str:
    return "; ".join(
        f"{e.group.code} «{e.group.program.title}», окончено {selectors.ended_on(e):%d.%m.%Y}"
        for e in learner.enrollments.select_related("group__program").order_by("group__starts_on")
        if selectors.ended_on(e)
    )


@transaction.atomic
def draft_act(*, by: User, basis: str, learner_ids: list[int] | None = None) -> DestructionAct:
    """Draft a destruction act for the learners whose records are due (all of them, or those
    given, each checked again)."""
    access.require(by, "archive.add_destructionact")
    if not basis.strip():
        raise ValidationError({"basis": "Укажите основание и причину уничтожения."})
    due = set(selectors.learners_to_forget())
    chosen = sorted(due if learner_ids is None else set(learner_ids))
    not_due = [pk for pk in chosen if pk not in due]
    if not_due:
        names = ", ".join(Learner.objects.filter(pk__in=not_due).values_list("last_name", flat=True)[:5])
        raise ValidationError(f"Срок хранения записей не истёк или приостановлен: {names}.")
    if not chosen:
        raise ValidationError("Нет слушателей, чьи записи подлежат уничтожению.")
    today = timezone.localdate()
    act = DestructionAct.objects.create(
        number=f"АУ-{today.year}-{numbering.take_next(ActCounter, year=today.year):03d}",
        basis=basis.strip(),
        drafted_by=by,
    )
    categories = [*people.DESTROYED_CATEGORIES, *EXTRA_CATEGORIES]
    DestructionItem.objects.bulk_create(
        [
            DestructionItem(
                act=act,
                learner=learner,
                subject_name=learner.full_name,
                studies=_studies(learner),
                categories=categories,
            )
            for learner in Learner.objects.filter(pk__in=chosen).order_by("last_name", "first_name", "pk")
        ]
    )
    audit.record(
        by=by, action=audit.Action.DESTRUCTION_ACT_DRAFTED, subject=act, after={"learners": len(chosen)}
    )
    return act


@transaction.atomic
def approve_act(*, by: User, act: DestructionAct) -> DestructionAct:
    """The administration approves a drafted act."""
    access.require(by, "archive.approve_destructionact")
    act = DestructionAct.objects.select_for_update().get(pk=act.pk)
    if act.status != DestructionAct.Status.DRAFT:
        raise ValidationError(f"Акт № {act.number} {act.get_status_display()}: утверждают только проект.")
    act.status, act.approved_by, act.approved_at = DestructionAct.Status.APPROVED, by, timezone.now()
    act.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(by=by, action=audit.Action.DESTRUCTION_ACT_APPROVED, subject=act)
    return act


@transaction.atomic
def execute_act(*, by: User, act: DestructionAct) -> DestructionAct:
    """Destroy what an approved act names, all in one transaction; an executed act is left as
    it is (running it again changes nothing).

    Each learner is depersonalised, their evidence files and stored card PDFs are deleted, and
    their key in the audit trail is destroyed, which leaves what the trail and the frozen cards
    held about them unreadable. The registry book, what was reported to ФИС ФРДО and the
    references to paper originals stay. The act's PDF and the log extract are made from the
    trail before the keys go."""
    access.require(by, "archive.change_destructionact")
    act = DestructionAct.objects.select_for_update().get(pk=act.pk)
    if act.status == DestructionAct.Status.EXECUTED:
        return act
    if act.status != DestructionAct.Status.APPROVED:
        raise ValidationError(f"Акт № {act.number} не утверждён администрацией: исполнять его нельзя.")
    items = list(act.items.select_related("learner").order_by("subject_name", "pk"))
    now = timezone.now()
    reason = f"Акт № {act.number}: {act.basis}"
    for item in items:
        # Recorded first, under the learner's key: the extract is read from the trail below.
        audit.record(
            by=by,
            action=audit.Action.PERSONAL_DATA_DESTROYED,
            subject=item.learner,
            after={"act": act.number, "categories": item.categories, "system": SYSTEM_NAME},
            reason=reason,
        )
    extract_rows = _extract_from_trail(act, items)
    for item in items:
        achievements.forget_evidence(by=by, learner=item.learner)
        cards.forget_pdfs(learner_id=item.learner_id)
        privacy.forget_files(learner_id=item.learner_id)
        people.depersonalise(by=by, learner=item.learner, basis=reason)
        sealing.forget(item.learner_id)
        item.done_at = now
    DestructionItem.objects.bulk_update(items, ["done_at"])
    act.status, act.executed_by, act.executed_at = DestructionAct.Status.EXECUTED, by, now
    _store_records(act, items, extract_rows)
    act.save(
        update_fields=[
            "status",
            "executed_by",
            "executed_at",
            "pdf",
            "pdf_sha256",
            "extract",
            "extract_sha256",
        ]
    )
    audit.record(
        by=by, action=audit.Action.DESTRUCTION_ACT_EXECUTED, subject=act, after={"learners": len(items)}
    )
    return act


def _extract_from_trail(act: DestructionAct, items: list[DestructionItem]) -> list[list[Any]]:
    """The log extract (Приказ РКН № 179, п. 5): subject, categories, system, reason, date —
    read from the events the execution has just recorded."""
    names = {item.learner_id: item.subject_name for item in items}
    events = AuditEvent.objects.filter(
        action=audit.Action.PERSONAL_DATA_DESTROYED, learner_id__in=names
    ).order_by("seq")
    rows = []
    for event in sealing.opened(events):
        if event.data.get("after", {}).get("act") != act.number:
            continue
        after = event.data["after"]
        rows.append(
            [
                names[event.learner_id],
                "; ".join(after["categories"]),
                after["system"],
                event.reason,
                timezone.localtime(event.at).date(),
                event.seq,
            ]
        )
    return rows


def _store_records(act: DestructionAct, items: list[DestructionItem], rows: list[list[Any]]) -> None:
    content = pdf.render_pdf(
        "archive/act_pdf.html",
        {
            "act": act,
            "items": items,
            "requisites": organization.current(),
            "system": SYSTEM_NAME,
            "method": METHOD,
        },
    )
    act.pdf.save(f"act-{act.number}.pdf", ContentFile(content), save=False)
    act.pdf_sha256 = hashlib.sha256(content).hexdigest()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = xlsx.sheet_title("Выгрузка из журнала")
    header = [
        "ФИО субъекта",
        "Категории уничтоженных данных",
        "Информационная система",
        "Причина уничтожения",
        "Дата уничтожения",
        "№ события в журнале",
    ]
    for column, title in enumerate(header, start=1):
        xlsx.write(sheet, 1, column, title)
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            xlsx.write_value(sheet, row_number, column, value)
    xlsx.fit_columns(sheet, header_row=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    act.extract.save(f"act-{act.number}-extract.xlsx", ContentFile(buffer.getvalue()), save=False)
    act.extract_sha256 = hashlib.sha256(buffer.getvalue()).hexdigest()


@transaction.atomic
def erase_old_act_records(*, by: User | None = None) -> int:
    """Erase the act PDFs, log extracts and names of acts executed more than
    ZACHETKA_DESTRUCTION_RECORDS_YEARS ago (Приказ РКН № 179, п. 8: kept 3 years). Idempotent."""
    cutoff = timezone.now() - dt.timedelta(days=365 * settings.DESTRUCTION_RECORDS_YEARS)
    acts = list(
        DestructionAct.objects.select_for_update().filter(
            status=DestructionAct.Status.EXECUTED, executed_at__lt=cutoff, records_erased_at__isnull=True
        )
    )
    for act in acts:
        act.pdf.delete(save=False)
        act.extract.delete(save=False)
        act.items.update(subject_name="", studies="")
        DestructionAct.objects.filter(pk=act.pk).update(records_erased_at=timezone.now())
        audit.record(by=by, action=audit.Action.DESTRUCTION_RECORDS_ERASED, subject=act)
    return len(acts)


def record_backup(*, path: str, created_at: dt.datetime, size: int, sha256: str) -> BackupRecord:
    """Register a backup written by `manage.py backup` (audited as the system's act)."""
    with transaction.atomic():
        record = BackupRecord.objects.create(path=path, created_at=created_at, size=size, sha256=sha256)
        audit.record(by=None, action=audit.Action.BACKUP_CREATED, subject=record, after={"sha256": sha256})
    return record


@transaction.atomic
def mark_backup_deleted(*, by: User, record: BackupRecord) -> BackupRecord:
    """Record that a backup listed for deletion was deleted from where it was kept."""
    access.require(by, "archive.change_backuprecord")
    record = BackupRecord.objects.select_for_update().get(pk=record.pk)
    if record.deleted_at is None:
        record.deleted_at, record.deleted_by = timezone.now(), by
        record.save(update_fields=["deleted_at", "deleted_by"])
        audit.record(by=by, action=audit.Action.BACKUP_DELETED, subject=record)
    return record
