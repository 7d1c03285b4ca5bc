"""Reads of issued documents, scoped by the acting user."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from zachetka.attestation.models import Protocol, ProtocolResult
from zachetka.blanks.models import Blank
from zachetka.core import access
from zachetka.documents.models import KIND_OF_PROGRAM, Document
from zachetka.programs.models import Enrollment

Actor = User | AnonymousUser
STUDY_CERTIFICATE_DAYS = 3  # ч. 12 ст. 60 273-ФЗ: a справка within 3 days of the expulsion order


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
class StudiedModule:
    order: int
    title: str
    hours: int
    result: str


def studied_modules(document: Document) -> list[StudiedModule]:
    """Each module of the document's program with the learner's last signed intermediate result."""
    enrollment = document.enrollment
    results = dict(
        ProtocolResult.objects.filter(
            enrollment=enrollment,
            protocol__kind=Protocol.Kind.INTERMEDIATE,
            protocol__status=Protocol.Status.SIGNED,
        )
        .order_by("protocol__held_on", "protocol__attempt", "protocol__pk")
        .values_list("protocol__module_id", "value")
    )
    return [
        StudiedModule(m.order, m.title, m.hours, results.get(m.pk, ""))
        for m in enrollment.group.program.modules.order_by("order")
    ]


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
