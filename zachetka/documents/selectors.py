"""Reads of issued documents, scoped by the acting user."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from zachetka.attestation.models import Protocol, ProtocolResult
from zachetka.blanks.models import Blank
from zachetka.core import access
from zachetka.documents.models import KIND_OF_PROGRAM, Document, VerificationCheck
from zachetka.gradebook import scales
from zachetka.programs.models import Enrollment

Actor = User | AnonymousUser
# ч. 5 ст. 61 273-ФЗ: the справка (ч. 12 ст. 60) is issued within 3 days of the expulsion order.
STUDY_CERTIFICATE_DAYS = 3


def documents_visible_to(user: Actor) -> QuerySet[Document]:
    return Document.objects.visible_to(user).select_related("original")


def registry(
    user: Actor, *, year: int | None = None, kind: str = "", group_id: int | None = None
) -> QuerySet[Document]:
    """The registry book: every document by registration number, optionally for one year, kind
    and group."""
    documents = documents_visible_to(user).select_related("protocol", "enrollment__group")
    if year:
        documents = documents.filter(registration_year=year)
    if kind:
        documents = documents.filter(kind=kind)
    if group_id:
        documents = documents.filter(enrollment__group_id=group_id)
    return documents.order_by("registration_year", "registration_seq")


def documents_of_protocol(user: Actor, protocol: Protocol) -> QuerySet[Document]:
    """The valid documents issued on a protocol (duplicates and exchanges included)."""
    return (
        documents_visible_to(user)
        .filter(protocol=protocol, state=Document.State.VALID)
        .order_by("registration_year", "registration_seq")
    )


def blank_of(user: Actor, document: Document) -> Blank | None:
    """The registered blank a document is printed on, for those who may see the register."""
    if not access.may(user, "blanks.view_blank"):
        return None
    return Blank.objects.filter(document=document).first()


def registry_years() -> list[int]:
    return list(
        Document.objects.order_by("-registration_year").values_list("registration_year", flat=True).distinct()
    )


@dataclass(frozen=True)
class ModuleResult:
    """A module of the document's program and the learner's intermediate result in it."""

    order: int
    title: str
    hours: int
    form: str  # the form of intermediate attestation («зачёт», «экзамен»)
    result: str  # in words («хорошо (4)»), "" when there is none
    is_passing: bool


def module_results(document: Document) -> list[ModuleResult]:
    """Each module of the document's program with the learner's last result from a signed
    statement held on or before the document's date (later sittings do not speak for it)."""
    enrollment = document.enrollment
    last: dict[int, ProtocolResult] = {}
    for result in (
        ProtocolResult.objects.filter(
            enrollment=enrollment,
            protocol__kind=Protocol.Kind.INTERMEDIATE,
            protocol__status=Protocol.Status.SIGNED,
            protocol__held_on__lte=document.issued_on,
        )
        .exclude(value="")
        .select_related("protocol__scale")
        .prefetch_related("protocol__scale__values")
        .order_by("protocol__held_on", "protocol__attempt", "protocol__pk")
    ):
        last[result.protocol.module_id] = result  # a later sitting overrides an earlier one
    modules = []
    for module in enrollment.group.program.modules.order_by("order"):
        result = last.get(module.pk)
        words = ""
        if result is not None:
            scale = result.protocol.scale
            words = scales.in_words(result.value, scale, sex=document.sex, values=list(scale.values.all()))
        modules.append(
            ModuleResult(
                order=module.order,
                title=module.title,
                hours=module.hours,
                form=module.get_attestation_form_display(),
                result=words,
                is_passing=result is not None and result.is_passing,
            )
        )
    return modules


@dataclass(frozen=True)
class FinalResult:
    """The final attestation a document rests on, as its supplement states it."""

    form: str
    topic: str  # the work defended, for a defense
    result: str  # in words
    protocol: Protocol


def final_result(document: Document) -> FinalResult | None:
    """The learner's line of the final protocol the document was issued by, if any."""
    if document.protocol_id is None:
        return None
    result = (
        ProtocolResult.objects.filter(protocol_id=document.protocol_id, enrollment_id=document.enrollment_id)
        .select_related("protocol__scale")
        .first()
    )
    if result is None:
        return None
    protocol = result.protocol
    topic = result.work_topic if protocol.final_form == Protocol.FinalForm.DEFENSE else ""
    return FinalResult(
        form=protocol.get_final_form_display(),
        topic=topic,
        result=scales.in_words(result.value, protocol.scale, sex=document.sex),
        protocol=protocol,
    )


@dataclass(frozen=True)
class DueDocument:
    enrollment: Enrollment
    kind: str
    due_on: dt.date | None
    protocol: Protocol | None

    @property
    def is_overdue(self) -> bool:
        return self.due_on is not None and self.due_on < timezone.localdate()


def due_documents(user: Actor) -> list[DueDocument]:
    """Who is owed a document: learners of a signed final protocol without one, and expelled
    learners without a справка (due 3 days after the expulsion order)."""
    has_document = Exists(Document.objects.filter(enrollment=OuterRef("pk"), state__in=Document.SETTLED))
    owed = (
        Enrollment.objects.visible_to(user)
        .filter(
            Q(
                status=Enrollment.Status.COMPLETED,
                outcome__in=[Enrollment.Outcome.PASSED, Enrollment.Outcome.FAILED],
            )
            | Q(status=Enrollment.Status.EXPELLED)
        )
        .filter(~has_document)
        .select_related("learner", "group__program")
        .order_by("group__code", "learner__last_name", "learner__first_name")
    )
    protocols = {
        result.enrollment_id: result.protocol
        for result in ProtocolResult.objects.filter(
            enrollment__in=owed, protocol__kind=Protocol.Kind.FINAL, protocol__status=Protocol.Status.SIGNED
        ).select_related("protocol")
    }
    due = []
    for enrollment in owed:
        if enrollment.status == Enrollment.Status.EXPELLED:
            due_on = enrollment.expulsion_order_date + dt.timedelta(days=STUDY_CERTIFICATE_DAYS)
            due.append(DueDocument(enrollment, Document.Kind.STUDY_CERTIFICATE, due_on, None))
        elif enrollment.outcome == Enrollment.Outcome.PASSED:
            kind = KIND_OF_PROGRAM[enrollment.group.program.kind]
            due.append(DueDocument(enrollment, kind, None, protocols.get(enrollment.pk)))
        else:
            due.append(
                DueDocument(enrollment, Document.Kind.STUDY_CERTIFICATE, None, protocols.get(enrollment.pk))
            )
    return due


VIEW_CHECKS = "documents.view_verificationcheck"


def verification_checks(
    user: Actor,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    found: str = "",
    number: str = "",
) -> QuerySet[VerificationCheck]:
    """The public verification log, newest first, for those who may read it (the
    administration); the period counts both days in the centre's time zone, `found` is
    "yes"/"no", `number` matches the number typed or the found document's."""
    if not access.may(user, VIEW_CHECKS):
        return VerificationCheck.objects.none()
    checks = VerificationCheck.objects.select_related("document")
    zone = timezone.get_current_timezone()
    if since:
        checks = checks.filter(at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=zone))
    if until:
        checks = checks.filter(
            at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        )
    if found in ("yes", "no"):
        checks = checks.filter(found=found == "yes")
    number = number.strip()
    if number:
        checks = checks.filter(
            Q(registration_number__icontains=number) | Q(document__registration_number__icontains=number)
        )
    return checks.order_by("-at", "-pk")
