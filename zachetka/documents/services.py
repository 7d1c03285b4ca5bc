"""Writes of issued documents: issue from a signed final protocol (or a справка without one),
duplicates, exchanges, spoiled blanks and revocation. One transaction each, audited; nothing is
ever deleted."""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zachetka.attestation import services as attestation_services
from zachetka.attestation.models import Protocol, ProtocolResult
from zachetka.blanks import models as blank_models
from zachetka.blanks import services as blanks
from zachetka.core import access, audit, names, numbering
from zachetka.core.versioning import ConcurrentEditError, save_versioned
from zachetka.documents.models import KIND_OF_PROGRAM, Document, RegistrationCounter, VerificationCheck
from zachetka.programs.models import Enrollment


def _registration_number(year: int) -> tuple[int, str]:
    seq = numbering.take_next(RegistrationCounter, year=year)
    return seq, settings.DOCUMENT_REGISTRATION_FORMAT.format(year=year, seq=seq)


def next_blank_number(number: str, step: int) -> str:
    """The blank `step` places after `number`, keeping its width and any letter prefix:
    «000123» + 2 → «000125»."""
    return blank_models.shifted_number(number, step)


def _holder_and_program(enrollment: Enrollment, kind: str) -> dict:
    learner, group = enrollment.learner, enrollment.group
    program = group.program
    return {
        "last_name": learner.last_name,
        "first_name": learner.first_name,
        "middle_name": learner.middle_name,
        "sex": learner.sex,
        "program_title": program.title,
        "program_kind": program.kind,
        # A справка certifies studies, not a qualification (ч. 12 ст. 60 273-ФЗ): it asserts none.
        "qualification": "" if kind == Document.Kind.STUDY_CERTIFICATE else program.qualification,
        "field_of_activity": program.field_of_activity,
        "hours": program.hours,
        "studied_from": group.starts_on,
        "studied_to": enrollment.completed_on or enrollment.expulsion_order_date or group.ends_on,
    }


def _new_document(*, by: User, issued_on: dt.date, **fields: object) -> Document:
    seq, registration_number = _registration_number(issued_on.year)
    if fields["kind"] not in Document.ON_BLANK:  # printed on plain paper: its number is the registration's
        fields |= {"series": "", "number": registration_number}
    document = Document(
        registration_number=registration_number,
        registration_year=issued_on.year,
        registration_seq=seq,
        issued_on=issued_on,
        created_by=by,
        **fields,
    )
    try:
        with transaction.atomic():
            document.save(force_insert=True)
    except IntegrityError as error:
        # The database holds one valid document per enrolment and kind, and one per blank.
        holder = (
            Document.objects.filter(
                series=document.series, number=document.number, kind__in=Document.ON_BLANK
            )
            .exclude(state=Document.State.REVOKED)
            .first()
            if document.kind in Document.ON_BLANK
            else None
        )
        if holder is not None:
            raise ValidationError(
                f"Бланк {blank_models.label(document.series, document.number)} уже использован "
                f"(рег. № {holder.registration_number})."
            ) from error
        raise ValidationError(
            f"{document.full_name}: действительный документ этого вида по обучению уже выдан "
            "(возможно, только что, в другом окне)."
        ) from error
    return document


def _lock_enrollments(ids: list[int]) -> None:
    """Serialise issuing to the same learners: whoever comes second sees the first's documents.
    Locked in id order, so two batches over the same learners cannot deadlock."""
    list(Enrollment.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


def _valid_documents(enrollment_ids: list[int]) -> dict[int, str]:
    return dict(
        Document.objects.filter(enrollment__in=enrollment_ids, state=Document.State.VALID).values_list(
            "enrollment_id", "registration_number"
        )
    )


def _require_issuer(by: User) -> None:
    access.require(by, "documents.add_document")


def _check_date(issued_on: dt.date, not_before: dt.date, what: str) -> None:
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": "Дата выдачи не может быть в будущем."})
    if issued_on < not_before:
        raise ValidationError({"issued_on": f"Дата выдачи раньше {what} ({not_before:%d.%m.%Y})."})


@transaction.atomic
def issue_from_protocol(
    *,
    by: User,
    protocol: Protocol,
    issued_on: dt.date,
    series: str = "",
    first_number: str = "",
    enrollments: list[Enrollment] | None = None,
) -> list[Document]:
    """Issue the documents a signed final protocol decided, to the whole group or to the given
    learners: a document of the program's kind to those who passed (blanks numbered on from
    `first_number`), a справка to those who did not. All or nothing."""
    _require_issuer(by)
    if protocol.kind != Protocol.Kind.FINAL or protocol.status != Protocol.Status.SIGNED:
        raise ValidationError("Документы выдаются по подписанному протоколу итоговой аттестации.")
    if not Protocol.objects.visible_to(by).filter(pk=protocol.pk).exists():
        raise PermissionDenied("Протокол недоступен.")
    _check_date(issued_on, protocol.held_on, "заседания комиссии")
    results = list(
        ProtocolResult.objects.filter(protocol=protocol)
        .select_related("enrollment__learner", "enrollment__group__program")
        .order_by("enrollment__learner__last_name", "enrollment__learner__first_name", "pk")
    )
    if enrollments is not None:
        wanted = {e.pk for e in enrollments}
        results = [r for r in results if r.enrollment_id in wanted]
        if len(results) != len(wanted):
            raise ValidationError("Не все выбранные слушатели есть в протоколе.")
    _lock_enrollments([r.enrollment_id for r in results])
    already = _valid_documents([r.enrollment_id for r in results])
    if already:
        names = [
            f"{r.enrollment.learner.full_name} (рег. № {already[r.enrollment_id]})"
            for r in results
            if r.enrollment_id in already
        ]
        raise ValidationError(
            "Документ уже выдан: " + "; ".join(names[:5]) + (" и другие" if len(names) > 5 else "") + "."
        )
    program_kind = KIND_OF_PROGRAM[protocol.group.program.kind]
    on_blank = program_kind in Document.ON_BLANK
    needed = sum(1 for r in results if r.is_passing) if on_blank else 0
    if needed and not first_number.strip():
        raise ValidationError({"first_number": "Укажите номер первого бланка."})
    ungraded = [
        r.enrollment.learner.short_name
        for r in results
        if r.is_passing and program_kind == Document.Kind.VOCATIONAL_CERTIFICATE and not r.qualification_grade
    ]
    if ungraded:
        raise ValidationError(
            "В протоколе не указан присвоенный квалификационный разряд, класс или категория "
            f"({', '.join(ungraded[:5])}): свидетельство о профессии рабочего без него не выдаётся."
        )
    # The blanks register hands out the first number and the next ones in stock; taken (and
    # locked) before any registration number is, so concurrent batches cannot deadlock.
    pack = iter(blanks.take_blanks(form=program_kind, series=series, first_number=first_number, count=needed))
    documents, uses = [], []
    for result in results:
        kind = program_kind if result.is_passing else Document.Kind.STUDY_CERTIFICATE
        blank = next(pack) if kind in Document.ON_BLANK else None
        document = _new_document(
            by=by,
            issued_on=issued_on,
            kind=kind,
            enrollment=result.enrollment,
            protocol=protocol,
            series=blank.series if blank else "",
            number=blank.number if blank else "",
            qualification_grade=result.qualification_grade if kind == program_kind else "",
            **_holder_and_program(result.enrollment, kind),
        )
        documents.append(document)
        if blank is not None:
            uses.append((blank, document))
    blanks.record_use(by=by, uses=uses)
    audit.record_many(
        [
            audit.Entry(
                action=audit.Action.DOCUMENT_ISSUED,
                subject=document,
                after=_facts(document),
            )
            for document in documents
        ],
        by=by,
    )
    return documents


@transaction.atomic
def issue_study_certificate(*, by: User, enrollment: Enrollment, issued_on: dt.date) -> Document:
    """A справка об обучении for a learner who was expelled or left without final attestation."""
    _require_issuer(by)
    enrollment = Enrollment.objects.select_related("learner", "group__program").get(pk=enrollment.pk)
    if not Enrollment.objects.visible_to(by).filter(pk=enrollment.pk).exists():
        raise PermissionDenied("Обучение недоступно.")
    if enrollment.status != Enrollment.Status.EXPELLED and enrollment.outcome != Enrollment.Outcome.FAILED:
        raise ValidationError("Справку об обучении выдают отчисленным и не прошедшим итоговую аттестацию.")
    _lock_enrollments([enrollment.pk])
    already = _valid_documents([enrollment.pk])
    if already:
        raise ValidationError(f"Документ по этому обучению уже выдан: рег. № {already[enrollment.pk]}.")
    _check_date(issued_on, enrollment.group.starts_on, "начала обучения")
    document = _new_document(
        by=by,
        issued_on=issued_on,
        kind=Document.Kind.STUDY_CERTIFICATE,
        enrollment=enrollment,
        **_holder_and_program(enrollment, Document.Kind.STUDY_CERTIFICATE),
    )
    audit.record(by=by, action=audit.Action.DOCUMENT_ISSUED, subject=document, after=_facts(document))
    return document


def _facts(document: Document) -> dict:
    return {
        "kind": document.kind,
        "issue": document.issue,
        "registration_number": document.registration_number,
        "series": document.series,
        "number": document.number,
        "issued_on": document.issued_on.isoformat(),
        "last_name": document.last_name,
        "first_name": document.first_name,
        "middle_name": document.middle_name,
        "original": document.original.registration_number if document.original else "",
    }


def _lock(document: Document, expected_version: int | None) -> Document:
    locked = Document.objects.select_for_update().select_related("enrollment__learner").get(pk=document.pk)
    if not locked.is_valid:
        raise ValidationError(
            f"Документ рег. № {locked.registration_number} {locked.get_state_display()}: "
            "его состояние больше не меняется."
        )
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(locked)
    return locked


def _change_state(by: User, document: Document, state: str, reason: str, action: str) -> Document:
    if not reason.strip():
        raise ValidationError({"reason": "Укажите основание."})
    before = {"state": document.state}
    document.state, document.state_reason = state, reason.strip()
    document.state_changed_at = timezone.now()
    save_versioned(
        document,
        expected_version=document.version,
        fields=["state", "state_reason", "state_changed_at"],
    )
    audit.record(
        by=by, action=action, subject=document, before=before, after={"state": state}, reason=reason.strip()
    )
    return document


@transaction.atomic
def issue_duplicate(
    *,
    by: User,
    original: Document,
    issued_on: dt.date,
    series: str,
    number: str,
    reason: str,
    expected_version: int | None = None,
) -> Document:
    """A duplicate in place of a lost document: the original is marked lost, the duplicate
    repeats its contents on a new blank and refers to it."""
    _require_issuer(by)
    original = _lock(original, expected_version)
    _check_date(issued_on, original.issued_on, "выдачи оригинала")
    _change_state(by, original, Document.State.LOST, reason, audit.Action.DOCUMENT_LOST)
    return _replacement(by, original, Document.Issue.DUPLICATE, issued_on, series, number, holder=None)


@transaction.atomic
def exchange(
    *,
    by: User,
    original: Document,
    issued_on: dt.date,
    series: str,
    number: str,
    reason: str,
    expected_version: int | None = None,
) -> Document:
    """A new document in exchange (e.g. after a change of surname): it carries the learner's
    current name; the old one is marked exchanged."""
    _require_issuer(by)
    original = _lock(original, expected_version)
    _check_date(issued_on, original.issued_on, "выдачи оригинала")
    _change_state(by, original, Document.State.EXCHANGED, reason, audit.Action.DOCUMENT_EXCHANGED)
    learner = original.enrollment.learner
    holder = {
        "last_name": learner.last_name,
        "first_name": learner.first_name,
        "middle_name": learner.middle_name,
        "sex": learner.sex,
    }
    return _replacement(by, original, Document.Issue.EXCHANGE, issued_on, series, number, holder=holder)


def _replacement(
    by: User,
    original: Document,
    issue: str,
    issued_on: dt.date,
    series: str,
    number: str,
    holder: dict | None,
) -> Document:
    on_blank = original.kind in Document.ON_BLANK
    if on_blank and not number.strip():
        raise ValidationError({"number": "Укажите номер нового бланка."})
    blank = blanks.take_blank(form=original.kind, series=series, number=number) if on_blank else None
    copied = {
        name: getattr(original, name)
        for name in (
            "kind",
            "enrollment",
            "protocol",
            "last_name",
            "first_name",
            "middle_name",
            "sex",
            "program_title",
            "program_kind",
            "qualification",
            "qualification_grade",
            "field_of_activity",
            "hours",
            "studied_from",
            "studied_to",
        )
    }
    copied |= holder or {}
    document = _new_document(
        by=by,
        issued_on=issued_on,
        issue=issue,
        original=original,
        series=series.strip(),
        number=number.strip(),
        **copied,
    )
    if blank is not None:
        blanks.record_use(by=by, uses=[(blank, document)])
    audit.record(by=by, action=audit.Action.DOCUMENT_ISSUED, subject=document, after=_facts(document))
    return document


@transaction.atomic
def destroy_blank(
    *, by: User, document: Document, reason: str, expected_version: int | None = None
) -> Document:
    """A spoiled blank (a misprint found before or after handing over): recorded as destroyed,
    its blank written off by an act of today in the blanks register; a correct document is then
    issued anew on another blank."""
    _require_issuer(by)
    document = _lock(document, expected_version)
    document = _change_state(by, document, Document.State.DESTROYED, reason, audit.Action.DOCUMENT_DESTROYED)
    blanks.write_off_used(
        by=by,
        document=document,
        reason=f"Испорчен бланк документа рег. № {document.registration_number}: {reason.strip()}",
    )
    return document


@transaction.atomic
def revoke(*, by: User, document: Document, reason: str, expected_version: int | None = None) -> Document:
    """Revoke a document (e.g. issued by mistake); the administration only."""
    access.require(by, "documents.delete_document")
    document = _lock(document, expected_version)
    return _change_state(by, document, Document.State.REVOKED, reason, audit.Action.DOCUMENT_REVOKED)


@transaction.atomic
def annul_final_protocol(
    *, by: User, protocol: Protocol, reason: str, expected_version: int | None = None
) -> list[Document]:
    """Annul a signed final protocol with what it decided, all or nothing: the documents issued on
    it (duplicates and exchanges included) become invalid, to be issued again on the replacement
    protocol, and its learners return to the final attestation."""
    access.require(by, "attestation.delete_protocol")
    if not reason.strip():
        raise ValidationError({"reason": "Укажите основание аннулирования."})
    protocol = Protocol.objects.select_for_update().get(pk=protocol.pk)
    if protocol.kind != Protocol.Kind.FINAL or protocol.status != Protocol.Status.SIGNED:
        raise ValidationError("Так аннулируют только подписанный протокол итоговой аттестации.")
    if expected_version is not None and protocol.version != expected_version:
        raise ConcurrentEditError(protocol)
    documents = list(
        Document.objects.select_for_update()
        .filter(protocol=protocol, state=Document.State.VALID)
        .order_by("registration_year", "registration_seq")
    )
    why = f"Протокол итоговой аттестации № {protocol.number} аннулирован: {reason.strip()}"
    for document in documents:
        _change_state(by, document, Document.State.VOIDED, why, audit.Action.DOCUMENT_VOIDED)
    attestation_services.annul_protocol(by=by, protocol=protocol, reason=reason)
    return documents


def erase_verification_ips(*, by: User | None = None) -> int:
    """Erase the visitors' IP addresses of verification checks older than
    ZACHETKA_VERIFICATION_IP_DAYS, in one UPDATE; idempotent (152-ФЗ, ст. 5 ч. 7: kept no longer
    than their purpose, slowing down guesses, needs them)."""
    cutoff = timezone.now() - dt.timedelta(days=settings.VERIFICATION_IP_DAYS)
    with transaction.atomic():
        erased = VerificationCheck.objects.filter(at__lt=cutoff).exclude(ip_address="").update(ip_address="")
        if erased:
            audit.record(
                by=by,
                action=audit.Action.VERIFICATION_IPS_ERASED,
                extra={
                    "erased": erased,
                    "older_than": cutoff.isoformat(),
                    "days": settings.VERIFICATION_IP_DAYS,
                },
            )
    return erased


@dataclass(frozen=True)
class Verification:
    document: Document | None
    wait_seconds: int = 0  # > 0: too many wrong guesses from this address, nothing was checked


def verify(
    *, ip_address: str, code: str = "", registration_number: str = "", last_name: str = ""
) -> Verification:
    """The public check of a document, by the code of its QR link or by its registration number
    and the holder's surname. Every check is logged; after VERIFY_FREE_FAILURES wrong number
    guesses within VERIFY_WINDOW_MINUTES an address waits twice as long after each further one.
    A QR code (128 random bits) cannot be guessed, so it is never slowed down and a wrong one
    does not count: a holder's QR link works whatever others behind the same address tried."""
    now = timezone.now()
    window = dt.timedelta(minutes=settings.VERIFY_WINDOW_MINUTES)
    failures = list(
        VerificationCheck.objects.filter(
            ip_address=ip_address, found=False, via_code=False, at__gte=now - window
        )
        .order_by("-at")
        .values_list("at", flat=True)[:64]
    )
    excess = len(failures) - settings.VERIFY_FREE_FAILURES
    if excess >= 0 and not code:
        wait = min(2 ** min(excess + 1, 20), int(window.total_seconds()))
        remaining = math.ceil((failures[0] + dt.timedelta(seconds=wait) - now).total_seconds())
        if remaining > 0:
            return Verification(None, wait_seconds=remaining)
    document = None
    if code:
        document = Document.objects.filter(verification_code=code).first()
    elif registration_number and last_name:
        candidate = Document.objects.filter(registration_number=registration_number.strip()).first()
        if candidate and names.search_key(candidate.last_name) == names.search_key(last_name):
            document = candidate
    VerificationCheck.objects.create(
        ip_address=ip_address,
        via_code=bool(code),
        registration_number=(registration_number or (document.registration_number if document else ""))[:30],
        document=document,
        found=document is not None,
    )
    return Verification(document)
