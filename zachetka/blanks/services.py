"""Writes of the blanks register: a range received, blanks taken for documents (inside the
issuing transaction of `documents.services`), spoiled blanks written off by an act. Each write
is audited; nothing is ever deleted."""

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from zachetka.blanks import selectors
from zachetka.blanks.models import (
    Blank,
    BlankForm,
    BlankReceipt,
    WriteOffAct,
    WriteOffCounter,
    label,
    split_number,
)
from zachetka.core import access, audit, numbering

# One receipt is a supplier's batch: hundreds or a few thousand blanks. A typo in the last
# number («0012000» for «001200») must not register a million blanks.
MAX_RANGE = 10_000
ACT_NUMBER_FORMAT = "АС-{year}-{seq:03d}"


def _not_in_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: "Дата не может быть в будущем."})


@transaction.atomic
def receive_range(
    *,
    by: User,
    form: str,
    series: str,
    first_number: str,
    last_number: str,
    received_on: dt.date,
    supplier_document: str,
) -> BlankReceipt:
    """Register a range of blanks received: one blank per number from `first_number` to
    `last_number`. All or nothing; a range overlapping blanks already registered is refused,
    naming the first one that clashes."""
    access.require(by, "blanks.add_blankreceipt")
    if form not in BlankForm.values:
        raise ValidationError({"form": "Выберите вид бланка."})
    series, first, last = series.strip(), first_number.strip(), last_number.strip()
    if not supplier_document.strip():
        raise ValidationError({"supplier_document": "Укажите документ поставщика (накладную, акт)."})
    _not_in_future(received_on, "received_on")
    prefix, start, width = split_number(first, "first_number")
    last_prefix, end, _ = split_number(last, "last_number")
    if last_prefix != prefix:
        raise ValidationError({"last_number": f"Номера начинаются по-разному: «{prefix}» и «{last_prefix}»."})
    if end < start:
        raise ValidationError({"last_number": "Последний номер меньше первого."})
    count = end - start + 1
    if count > MAX_RANGE:
        raise ValidationError(
            {"last_number": f"В одном поступлении не больше {MAX_RANGE} бланков, а здесь {count}."}
        )
    numbers = [f"{prefix}{value:0{width}d}" for value in range(start, end + 1)]
    if numbers[-1] != last:
        raise ValidationError(
            {"last_number": f"Последний номер записан иначе, чем первый: ожидается «{numbers[-1]}»."}
        )
    # «000120» and «120» are the same printed number: overlap is checked by value, not by text.
    clash = (
        Blank.objects.filter(series=series, prefix=prefix, seq__gte=start, seq__lte=end)
        .select_related("receipt")
        .order_by("seq")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "first_number": f"Бланк {clash} уже есть в реестре (поступление {clash.receipt}): "
                "диапазон пересекается с ранее принятыми бланками и не принят."
            }
        )
    receipt = BlankReceipt.objects.create(
        form=form,
        series=series,
        first_number=first,
        last_number=last,
        count=count,
        received_on=received_on,
        supplier_document=supplier_document.strip(),
        received_by=by,
    )
    try:
        with transaction.atomic():
            Blank.objects.bulk_create(
                [
                    Blank(receipt=receipt, form=form, series=series, number=number, prefix=prefix, seq=value)
                    for number, value in zip(numbers, range(start, end + 1), strict=True)
                ],
                batch_size=1000,
            )
    except IntegrityError as error:  # the same range registered at this moment in another window
        raise ValidationError(
            {"first_number": "Эти бланки только что внесены в реестр в другом окне: диапазон не принят."}
        ) from error
    audit.record(
        by=by,
        action=audit.Action.BLANKS_RECEIVED,
        subject=receipt,
        after={
            "form": form,
            "series": series,
            "first_number": first,
            "last_number": last,
            "count": count,
            "received_on": received_on.isoformat(),
            "supplier_document": receipt.supplier_document,
        },
    )
    return receipt


def _unusable(blank: Blank, form: str) -> str | None:
    """Why a blank cannot carry a new document of `form`, or None."""
    if blank.state == Blank.State.USED:
        return f"Бланк {blank} уже использован (рег. № {blank.document.registration_number})."
    if blank.state == Blank.State.SPOILED:
        return f"Бланк {blank} испорчен и списан ({blank.write_off})."
    if blank.form != form:
        return (
            f"Бланк {blank} — бланк вида «{blank.get_form_display()}», а выдаётся «{BlankForm(form).label}»."
        )
    return None


def take_blanks(
    *, form: str, series: str, first_number: str, count: int, field: str = "first_number"
) -> list[Blank]:
    """Lock the `count` blanks a batch of documents of `form` is printed on: `first_number` and
    the next blanks in stock after it, in number order (used and spoiled ones are no longer in
    the pack). Runs inside the caller's transaction. Blanks are locked in number order before
    the registration counter is, so two batches taking blanks at once cannot deadlock; the second
    finds the first's blanks used and is refused."""
    if count <= 0:
        return []
    series, first_number = series.strip(), first_number.strip()
    prefix, start, _ = split_number(first_number, field)
    free = selectors.free_from(form=form, series=series, prefix=prefix, seq=start)
    first = Blank.objects.filter(series=series, number=first_number).first()
    if first is None:
        raise ValidationError(
            {field: f"Бланка {label(series, first_number)} нет в реестре бланков: оформите его поступление."}
        )
    if problem := _unusable(first, form):
        raise ValidationError({field: problem})
    if free < count:
        raise ValidationError(
            {
                field: f"В серии «{series or 'без серии'}» с № {first_number} на складе "
                f"{free} бл., нужно {count}: не хватает {count - free}. Оформите поступление бланков."
            }
        )
    wanted = list(
        Blank.objects.filter(
            form=form, series=series, prefix=prefix, seq__gte=start, state=Blank.State.IN_STOCK
        )
        .order_by("seq")
        .values_list("pk", flat=True)[:count]
    )
    locked = list(Blank.objects.select_for_update(of=("self",)).filter(pk__in=wanted).order_by("seq"))
    for blank in locked:  # read again under the lock: another batch may have taken it meanwhile
        if problem := _unusable(blank, form):
            raise ValidationError({field: problem})
    if len(locked) < count or locked[0].pk != first.pk:
        # The first blank was taken after it was read: say by what, as a later attempt would.
        first.refresh_from_db()
        if problem := _unusable(first, form):
            raise ValidationError({field: problem})
        raise ValidationError(
            {field: f"Бланк {first} только что использован в другом окне: выберите следующий."}
        )
    return locked


def take_blank(*, form: str, series: str, number: str) -> Blank:
    """Lock the one blank a duplicate or an exchange is printed on; refuse one not in stock."""
    (blank,) = take_blanks(form=form, series=series, first_number=number, count=1, field="number")
    return blank


def record_use(*, by: User, uses: Sequence[tuple[Blank, models.Model]]) -> None:
    """Mark locked blanks used by the documents just printed on them."""
    now = timezone.now()
    entries = []
    for blank, document in uses:
        updated = Blank.objects.filter(pk=blank.pk, state=Blank.State.IN_STOCK).update(
            state=Blank.State.USED, document=document, used_at=now
        )
        if updated != 1:
            raise ValidationError(f"Бланк {blank} уже использован.")
        blank.state, blank.document, blank.used_at = Blank.State.USED, document, now
        entries.append(
            audit.Entry(
                action=audit.Action.BLANK_USED,
                subject=blank,
                before={"state": Blank.State.IN_STOCK.value},
                after={"state": Blank.State.USED.value, "document": document.registration_number},
            )
        )
    audit.record_many(entries, by=by)


def _new_act(*, by: User, made_on: dt.date, reason: str) -> WriteOffAct:
    seq = numbering.take_next(WriteOffCounter, year=made_on.year)
    return WriteOffAct.objects.create(
        number=ACT_NUMBER_FORMAT.format(year=made_on.year, seq=seq),
        year=made_on.year,
        seq=seq,
        made_on=made_on,
        reason=reason,
        made_by=by,
    )


def _write_off(*, by: User, blanks: list[Blank], made_on: dt.date, reason: str) -> WriteOffAct:
    act = _new_act(by=by, made_on=made_on, reason=reason)
    Blank.objects.filter(pk__in=[b.pk for b in blanks]).update(state=Blank.State.SPOILED, write_off=act)
    audit.record(
        by=by,
        action=audit.Action.BLANKS_WRITTEN_OFF,
        subject=act,
        after={
            "number": act.number,
            "made_on": made_on.isoformat(),
            "blanks": [str(b) for b in blanks],
            "documents": [b.document.registration_number for b in blanks if b.document_id],
        },
        reason=reason,
    )
    return act


@transaction.atomic
def write_off_range(
    *, by: User, series: str, first_number: str, last_number: str, made_on: dt.date, reason: str
) -> WriteOffAct:
    """Write off blanks spoiled or damaged before use (a misprint, a torn form) by one act: every
    blank from `first_number` to `last_number` of the series must be in stock. A blank that
    already carries a document is written off from that document's page («Бланк испорчен»)."""
    access.require(by, "blanks.add_writeoffact")
    if not reason.strip():
        raise ValidationError({"reason": "Укажите причину списания."})
    _not_in_future(made_on, "made_on")
    series, first, last = series.strip(), first_number.strip(), (last_number.strip() or first_number.strip())
    prefix, start, _ = split_number(first, "first_number")
    last_prefix, end, _ = split_number(last, "last_number")
    if last_prefix != prefix or end < start:
        raise ValidationError(
            {"last_number": "Последний номер должен быть не меньше первого, с тем же началом."}
        )
    if end - start + 1 > MAX_RANGE:
        raise ValidationError({"last_number": f"Одним актом — не больше {MAX_RANGE} бланков."})
    blanks = list(
        Blank.objects.select_for_update(of=("self",))
        .filter(series=series, prefix=prefix, seq__gte=start, seq__lte=end)
        .order_by("seq")
    )
    present = {b.seq for b in blanks}
    missing = next((value for value in range(start, end + 1) if value not in present), None)
    if missing is not None:
        raise ValidationError(
            {"first_number": f"Бланка с номером {missing} серии «{series or 'без серии'}» нет в реестре."}
        )
    for blank in blanks:
        if blank.state != Blank.State.IN_STOCK:
            raise ValidationError(
                {
                    "first_number": (
                        f"Бланк {blank} не на складе ({blank.get_state_display()}): бланк выданного "
                        "документа списывается со страницы документа («Бланк испорчен»)."
                    )
                }
            )
    return _write_off(by=by, blanks=blanks, made_on=made_on, reason=reason.strip())


def write_off_used(*, by: User, document: models.Model, reason: str) -> WriteOffAct | None:
    """Write off the blank a spoiled document was printed on, by an act dated today, inside the
    caller's transaction; None when the document's blank was never registered (issued before
    the register was kept) or it is printed on plain paper."""
    blank = Blank.objects.select_for_update(of=("self",)).filter(document=document).first()
    if blank is None:
        return None
    if blank.state != Blank.State.USED:
        raise ValidationError(f"Бланк {blank} уже списан ({blank.write_off}).")
    return _write_off(by=by, blanks=[blank], made_on=timezone.localdate(), reason=reason.strip())
