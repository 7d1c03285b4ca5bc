"""Writes of the paper archive: cases of the nomenclature and the originals filed in them. One
transaction each, audited."""

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from zachetka.achievements.services import check_evidence
from zachetka.archive.models import DestructionAct
from zachetka.attestation.models import Protocol
from zachetka.core import audit
from zachetka.paper.models import Case, PaperOriginal

CASE_FIELDS = (
    "index",
    "title",
    "year",
    "article",
    "retention_years",
    "is_permanent",
    "needs_expert_review",
    "storage_place",
    "closed_on",
)
INDEX_TAKEN = "Дело с индексом «{index}» за {year} год уже есть в номенклатуре."


def _clean_case(fields: dict) -> dict:
    """Trim texts and check the period and the closing date; the message names the field."""
    fields = dict(fields)
    for name in ("index", "title", "article", "storage_place"):
        fields[name] = (fields.get(name) or "").strip()
    if not fields["index"]:
        raise ValidationError({"index": "Укажите индекс дела."})
    if not fields["title"]:
        raise ValidationError({"title": "Укажите заголовок дела."})
    if fields.get("is_permanent"):
        if fields.get("retention_years"):
            raise ValidationError(
                {"retention_years": "Дело хранится постоянно: срок в годах не указывается."}
            )
        fields["retention_years"] = None
    elif not fields.get("retention_years") or fields["retention_years"] < 1:
        raise ValidationError(
            {"retention_years": "Укажите срок хранения в годах или отметьте «хранить постоянно»."}
        )
    closed_on: dt.date | None = fields.get("closed_on")
    if closed_on is not None:
        if closed_on.year < fields["year"]:
            raise ValidationError(
                {"closed_on": f"Дело {fields['year']} года не может быть закрыто раньше него."}
            )
        if closed_on > timezone.localdate():
            raise ValidationError({"closed_on": "Дата закрытия дела не может быть в будущем."})
    return fields


def _save_case(case: Case) -> None:
    """Save, turning the index-per-year constraint into the form's message."""
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as error:
        if Case.objects.filter(year=case.year, index=case.index).exclude(pk=case.pk).exists():
            raise ValidationError({"index": INDEX_TAKEN.format(index=case.index, year=case.year)}) from error
        raise


@transaction.atomic
def create_case(*, by: User, **fields: object) -> Case:
    """Add a case to the nomenclature of its year."""
    cleaned = _clean_case(fields)
    case = Case(created_by=by, **cleaned)
    _save_case(case)
    audit.record(
        by=by, action=audit.Action.PAPER_CASE_CREATED, subject=case, after=audit.snapshot(case, CASE_FIELDS)
    )
    return case


@transaction.atomic
def update_case(*, by: User, case: Case, **fields: object) -> Case:
    """Change a case of the nomenclature: its period, place, closing date."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    before = audit.snapshot(case, CASE_FIELDS)
    cleaned = _clean_case(fields)
    if case.originals.exists() and (cleaned["year"], cleaned["index"]) != (case.year, case.index):
        raise ValidationError(
            {"index": "В дело уже подшиты документы: его индекс и год не меняются, они указаны на листах."}
        )
    latest = case.originals.order_by("-dated_on").values_list("dated_on", flat=True).first()
    if cleaned["closed_on"] is not None and latest is not None and cleaned["closed_on"] < latest:
        raise ValidationError(
            {"closed_on": f"В деле есть документ от {latest:%d.%m.%Y}: дело не закрывается раньше него."}
        )
    for name, value in cleaned.items():
        setattr(case, name, value)
    _save_case(case)
    old, new = audit.changed(before, audit.snapshot(case, CASE_FIELDS))
    if new:
        audit.record(by=by, action=audit.Action.PAPER_CASE_UPDATED, subject=case, before=old, after=new)
    return case


def _check_link(kind: str, protocol: Protocol | None, destruction_act: DestructionAct | None) -> None:
    if protocol is not None:
        if kind != PaperOriginal.Kind.PROTOCOL:
            raise ValidationError({"protocol": "Протокол указывается только для подлинника протокола."})
        if protocol.status == Protocol.Status.DRAFT:
            raise ValidationError(
                {"protocol": f"Протокол {protocol} ещё не подписан: на бумаге подшивается подписанный."}
            )
        if PaperOriginal.objects.filter(protocol=protocol).exists():
            raise ValidationError({"protocol": f"Подлинник протокола {protocol} уже подшит в дело."})
    if destruction_act is not None:
        if kind != PaperOriginal.Kind.DESTRUCTION_ACT:
            raise ValidationError({"destruction_act": "Акт указывается только для подлинника акта."})
        if destruction_act.status == DestructionAct.Status.DRAFT:
            raise ValidationError(
                {"destruction_act": f"{destruction_act} не утверждён: подшивается утверждённый акт."}
            )
        if PaperOriginal.objects.filter(destruction_act=destruction_act).exists():
            raise ValidationError({"destruction_act": f"Подлинник: {destruction_act} уже подшит в дело."})


@transaction.atomic
def register_original(
    *,
    by: User,
    case: Case,
    kind: str,
    title: str,
    dated_on: dt.date,
    sheet_from: int,
    sheet_to: int,
    protocol: Protocol | None = None,
    destruction_act: DestructionAct | None = None,
    scan: UploadedFile | None = None,
) -> PaperOriginal:
    """File a paper original in an open case on sheets from–to, optionally with its scan."""
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Укажите, что это за документ."})
    if sheet_from < 1:
        raise ValidationError({"sheet_from": "Листы нумеруются с первого."})
    if sheet_to < sheet_from:
        raise ValidationError({"sheet_to": f"Последний лист ({sheet_to}) меньше первого ({sheet_from})."})
    if dated_on > timezone.localdate():
        raise ValidationError({"dated_on": "Дата документа не может быть в будущем."})
    _check_link(kind, protocol, destruction_act)
    detected = check_evidence(scan, field="scan", limit=settings.PAPER_SCAN_MAX_BYTES)
    # The case's row is locked while its sheets are checked, so two originals registered at
    # once cannot both take the same free sheets.
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.closed_on is not None:
        raise ValidationError(
            f"Дело № {case.index} закрыто {case.closed_on:%d.%m.%Y}: в него ничего не подшивается."
        )
    taken = (
        case.originals.filter(sheet_from__lte=sheet_to, sheet_to__gte=sheet_from)
        .order_by("sheet_from")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            {
                "sheet_from": f"Листы {sheet_from}–{sheet_to} заняты: "
                f"на {taken.sheets_label} подшит «{taken.title}»."
            }
        )
    original = PaperOriginal(
        case=case,
        kind=kind,
        title=title,
        dated_on=dated_on,
        sheet_from=sheet_from,
        sheet_to=sheet_to,
        protocol=protocol,
        destruction_act=destruction_act,
        registered_by=by,
    )
    if scan is not None and detected is not None:
        original.scan_name = Path(scan.name).name[:255]
        # Stored under a name of its own with the extension of what the file is.
        original.scan.save(f"{uuid.uuid4().hex}{detected.extension}", scan, save=False)
    try:
        with transaction.atomic():
            original.save()
    except IntegrityError as error:
        # Only a registration made at the same moment gets here: the checks above saw none.
        raise ValidationError(
            "Эти листы или этот документ только что подшиты другим пользователем: обновите страницу."
        ) from error
    audit.record(
        by=by,
        action=audit.Action.PAPER_ORIGINAL_REGISTERED,
        subject=original,
        after={
            "case": f"{case.index} ({case.year})",
            "kind": kind,
            "title": title,
            "dated_on": str(dated_on),
            "sheets": [sheet_from, sheet_to],
            "protocol": protocol.pk if protocol else None,
            "destruction_act": destruction_act.pk if destruction_act else None,
            "scan": detected.label if detected else None,
        },
    )
    return original
