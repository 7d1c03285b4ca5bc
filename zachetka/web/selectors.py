"""What the home page shows each role: the sections of a person's roles, administration first,
each item one click from the page where its work is done.

Every section reads in a fixed number of queries, whatever the number of groups, gradebooks,
learners or documents (tests hold it with django_assert_max_num_queries at two data sizes)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from zachetka.attestation.models import AcademicDebt, Protocol, ProtocolMember
from zachetka.attestation.services import Admission, final_admissions
from zachetka.core import access, charts, collation, roles
from zachetka.core.models import AuditEvent
from zachetka.documents import frdo
from zachetka.documents import selectors as documents_selectors
from zachetka.documents.models import Document
from zachetka.gradebook import selectors as gradebook
from zachetka.gradebook.models import Assessment, GradebookLock
from zachetka.people.models import Learner
from zachetka.programs.models import Enrollment, Group, Program, TeachingAssignment

# A group's admission to final attestation is spelled out learner by learner from this many
# days before its end: earlier, nobody has results yet and the list says nothing.
ADMISSION_DAYS_AHEAD = 30
LIST_LIMIT = 10
PROGRAMS_CHARTED = 12
TEACHERS_CHARTED = 12


def own_record(user: User) -> Learner | None:
    """The learner linked to this account, with enrolments (the learner's own view)."""
    return (
        Learner.objects.visible_to(user)
        .filter(user=user)
        .prefetch_related("enrollments__group__program")
        .first()
    )


def sections(user: User) -> list[str]:
    """The home sections of the user's roles, administration first."""
    names = access.role_names(user)
    shown = []
    if access.is_administration(user):
        shown.append("administration")
    if roles.STAFF in names:
        shown.append("registry")
    if roles.CURATOR in names:
        shown.append("curator")
    if roles.TEACHER in names:
        shown.append("teacher")
    return shown


# --- Teacher -------------------------------------------------------------------------------


@dataclass
class Gradebook:
    assignment: TeachingAssignment
    assessments: int = 0
    empty_cells: int = 0
    overdue_cells: int = 0
    is_locked: bool = False


@dataclass
class Statement:
    protocol: Protocol
    awaits_my_signature: bool


def _cells(assessments) -> list[dict]:  # noqa: ANN001 - an Assessment queryset
    """Per column: group, module, deadline, learners who owe a grade (studying) and grades in."""
    studying = Enrollment.objects.filter(group=OuterRef("group"), status=Enrollment.Status.STUDYING)
    expected = Subquery(studying.values("group").annotate(n=Count("pk")).values("n")[:1])
    return list(
        assessments.annotate(
            expected=expected,
            filled=Count(
                "grades",
                filter=~Q(grades__value="") & Q(grades__enrollment__status=Enrollment.Status.STUDYING),
                distinct=True,
            ),
        ).values("group_id", "module_id", "due_on", "expected", "filled")
    )


def teacher_home(user: User) -> dict:
    """The teacher's gradebooks (group × module they teach) with empty and overdue cells, and
    the statements they are to fill in or sign."""
    assignments = list(
        TeachingAssignment.objects.filter(teacher=user)
        .select_related("group__program", "module")
        .order_by("-group__starts_on", "group__code", "module__order")
    )
    books = {(a.group_id, a.module_id): Gradebook(a) for a in assignments}
    taught = TeachingAssignment.objects.filter(
        group=OuterRef("group"), module=OuterRef("module"), teacher=user
    )
    for column in _cells(Assessment.objects.filter(Exists(taught))):
        book = books[(column["group_id"], column["module_id"])]
        book.assessments += 1
        book.empty_cells += max((column["expected"] or 0) - column["filled"], 0)
    # Overdue cells as the overdue page counts them (the same selector).
    for line in gradebook.overdue(user):
        book = books.get((line.group.pk, line.module.pk))
        if book is not None:
            book.overdue_cells = line.empty_cells
    for key in GradebookLock.objects.filter(Exists(taught)).values_list("group_id", "module_id"):
        books[key].is_locked = True
    seat = ProtocolMember.objects.filter(protocol=OuterRef("pk"), user=user)
    drafts = (
        Protocol.objects.visible_to(user)
        .filter(status=Protocol.Status.DRAFT)
        .annotate(
            has_seat=Exists(seat),
            signed_by_me=Exists(seat.filter(signed_at__isnull=False)),
            teaches_module=Exists(taught),
        )
        .filter(Q(examiner=user) | Q(has_seat=True) | Q(kind=Protocol.Kind.INTERMEDIATE, teaches_module=True))
        .select_related("group", "module")
        .order_by("held_on", "number")
    )
    statements = [
        Statement(
            protocol,
            awaits_my_signature=(protocol.examiner_id == user.pk and protocol.examiner_signed_at is None)
            or (protocol.has_seat and not protocol.signed_by_me),
        )
        for protocol in drafts
    ]
    gradebooks = list(books.values())
    return {
        "gradebooks": gradebooks,
        "statements": statements,
        "empty_cells": sum(book.empty_cells for book in gradebooks),
        "overdue_cells": sum(book.overdue_cells for book in gradebooks),
    }


# --- Curator -------------------------------------------------------------------------------


@dataclass
class CuratedGroup:
    group: Group
    progress: gradebook.Progress
    studying: int = 0
    admitted: int = 0
    not_admitted: list[Admission] = field(default_factory=list)
    shows_admission: bool = False
    open_debts: int = 0
    chart: charts.Chart | None = None

    @property
    def reasons(self) -> list[tuple[str, int]]:
        """Why learners are not admitted: each reason with the number of learners it holds back."""
        counts: dict[str, int] = defaultdict(int)
        for admission in self.not_admitted:
            for reason in admission.reasons:
                counts[reason] += 1
        return sorted(counts.items(), key=lambda item: (-item[1], collation.ru_key(item[0])))


def curator_home(user: User) -> dict:
    """The curator's groups with the progress of their gradebooks, open academic debts and
    their deadlines, and who is not yet admitted to the final attestation and why."""
    today = timezone.localdate()
    groups = list(
        Group.objects.visible_to(user)
        .filter(curator=user)
        # Current groups: finished ones (nobody studying, ended a month ago) are on the group list.
        .filter(
            Q(ends_on__gte=today - dt.timedelta(days=ADMISSION_DAYS_AHEAD))
            | Exists(Enrollment.objects.filter(group=OuterRef("pk"), status=Enrollment.Status.STUDYING))
        )
        .select_related("program")
        .annotate(
            studying=Count(
                "enrollments", filter=Q(enrollments__status=Enrollment.Status.STUDYING), distinct=True
            ),
            open_debts=Count(
                "enrollments__academic_debts", filter=Q(enrollments__academic_debts__closed_at=None)
            ),
        )
        .order_by("-starts_on", "code")
    )
    progress = gradebook.results_progress([g.pk for g in groups])
    admissions = final_admissions(groups)
    soon = today + dt.timedelta(days=ADMISSION_DAYS_AHEAD)
    curated = []
    for group in groups:
        entry = CuratedGroup(
            group=group,
            progress=progress[group.pk],
            studying=group.studying,
            open_debts=group.open_debts,
            admitted=sum(1 for a in admissions[group.pk] if a.is_admitted),
            not_admitted=[a for a in admissions[group.pk] if not a.is_admitted],
            shows_admission=group.ends_on <= soon,
        )
        entry.chart = gradebook.results_chart(
            entry.progress,
            title=f"Текущие оценки группы {group.code}",
            url=reverse("programs:group_detail", args=[group.pk]),
        )
        curated.append(entry)
    debts = (
        AcademicDebt.objects.filter(enrollment__group__in=[g.pk for g in groups], closed_at__isnull=True)
        .select_related("enrollment__learner", "enrollment__group", "module")
        .order_by("due_on", "enrollment__group__code", "enrollment__learner__last_name")
    )
    return {
        "groups": curated,
        "debts": list(debts[:LIST_LIMIT]),
        "debt_count": sum(g.open_debts for g in groups),
        "finished": Group.objects.filter(curator=user).exclude(pk__in=[g.pk for g in groups]).count(),
        "today": today,
    }


# --- Registry (administrative staff) -------------------------------------------------------


def registry_home(user: User) -> dict:
    """Documents due, ФИС ФРДО rows not reported, cabinets not opened and recent imports."""
    due = documents_selectors.due_documents(user)
    pending = frdo.pending()
    without_cabinet = (
        Enrollment.objects.visible_to(user)
        .filter(status=Enrollment.Status.STUDYING, learner__user__isnull=True)
        .exclude(learner__email="")
        .values("group_id", "group__code")
        .annotate(n=Count("learner", distinct=True))
        .order_by("group__code")
    )
    imports = AuditEvent.objects.filter(action="learner.imported").order_by("-seq")[:5]
    return {
        "due": sorted(due, key=lambda d: (not d.is_overdue, d.due_on or dt.date.max))[:LIST_LIMIT],
        "due_count": len(due),
        "due_overdue": sum(1 for d in due if d.is_overdue),
        "frdo_pending": pending.count(),
        "frdo_overdue": frdo.overdue(pending).count(),
        "cabinet_groups": list(without_cabinet),
        "cabinet_count": Learner.objects.visible_to(user)
        .filter(user__isnull=True)
        .exclude(email="")
        .filter(enrollments__status=Enrollment.Status.STUDYING)
        .distinct()
        .count(),
        "imports": list(imports),
        "may_view_audit": access.may(user, "core.view_auditevent"),
    }


# --- Administration ------------------------------------------------------------------------

RESULT_STATES = ("итоговая аттестация пройдена", "не пройдена", "обучаются", "отчислены")


def _results_by_program(user: User) -> charts.Chart:
    programs = list(
        Program.objects.visible_to(user)
        .annotate(
            passed=Count(
                "groups__enrollments",
                filter=Q(
                    groups__enrollments__status=Enrollment.Status.COMPLETED,
                    groups__enrollments__outcome=Enrollment.Outcome.PASSED,
                ),
            ),
            failed=Count(
                "groups__enrollments",
                filter=Q(
                    groups__enrollments__status=Enrollment.Status.COMPLETED,
                    groups__enrollments__outcome=Enrollment.Outcome.FAILED,
                ),
            ),
            studying=Count(
                "groups__enrollments",
                filter=Q(
                    groups__enrollments__status__in=[
                        Enrollment.Status.STUDYING,
                        Enrollment.Status.ACADEMIC_LEAVE,
                    ]
                ),
            ),
            expelled=Count(
                "groups__enrollments", filter=Q(groups__enrollments__status=Enrollment.Status.EXPELLED)
            ),
            total=Count("groups__enrollments"),
        )
        .filter(total__gt=0)
        .order_by("-total", "title")[:PROGRAMS_CHARTED]
    )
    enrollments = reverse("programs:enrollment_list")
    return charts.stacked(
        "Результаты обучения по программам",
        "Слушатели каждой программы: прошли итоговую аттестацию, не прошли, обучаются, отчислены.",
        RESULT_STATES,
        [
            charts.Stack(
                p.title, [p.passed, p.failed, p.studying, p.expelled], f"{enrollments}?program={p.pk}"
            )
            for p in programs
        ],
        first_header="Программа",
        url=enrollments,
    )


def _overdue_by_teacher(user: User) -> tuple[charts.Chart, int]:
    cells: dict[str, int] = defaultdict(int)
    for line in gradebook.overdue(user):
        cells[line.teachers] += line.empty_cells
    url = reverse("gradebook:overdue")
    ranked = sorted(cells.items(), key=lambda item: (-item[1], collation.ru_key(item[0])))[:TEACHERS_CHARTED]
    chart = charts.hbar(
        "Оценки, не внесённые в срок, по преподавателям",
        "Пустые ячейки журналов после срока внесения оценок, по преподавателям модулей.",
        [charts.Bar(teachers, n, url) for teachers, n in ranked],
        headers=("Преподаватель", "Пустых ячеек"),
        url=url,
        empty_text="Все оценки внесены в срок.",
    )
    return chart, sum(cells.values())


def _open_debts_by_month(user: User, months: list[dt.date]) -> charts.Chart:
    """Debts open at the end of each month: arisen by then and not yet closed."""
    zone = timezone.get_current_timezone()
    counts = {}
    for i, month in enumerate(months):
        next_month = months[i + 1] if i + 1 < len(months) else _next_month(month)
        end = dt.datetime.combine(next_month, dt.time.min, tzinfo=zone)
        counts[f"m{i}"] = Count(
            "pk",
            filter=Q(arisen_from__held_on__lt=next_month) & (Q(closed_at=None) | Q(closed_at__gte=end)),
        )
    figures = AcademicDebt.objects.filter(access.enrollment_scope(user, prefix="enrollment__")).aggregate(
        **counts
    )
    url = reverse("attestation:debt_list")
    return charts.monthly(
        "Открытые академические задолженности по месяцам",
        "Число задолженностей, не ликвидированных на конец каждого месяца.",
        [(month, figures[f"m{i}"], url) for i, month in enumerate(months)],
        headers=("Месяц", "Открытых задолженностей"),
        url=url,
    )


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + 1, 1, 1) if month.month == 12 else dt.date(month.year, month.month + 1, 1)


def _documents_by_month(user: User, months: list[dt.date]) -> charts.Chart:
    issued = dict(
        Document.objects.visible_to(user)
        .filter(issued_on__gte=months[0])
        .annotate(month=TruncMonth("issued_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    registry = reverse("documents:registry")
    return charts.monthly(
        "Выданные документы по месяцам",
        "Документы, записанные в книгу регистрации выданных документов, по месяцу выдачи.",
        [(month, issued.get(month, 0), f"{registry}?year={month.year}") for month in months],
        headers=("Месяц", "Выдано документов"),
        url=registry,
    )


def administration_home(user: User) -> dict:
    """The whole centre at a glance: figures and four charts, each linked to its list."""
    months = charts.last_months(timezone.localdate())
    overdue_chart, overdue_cells = _overdue_by_teacher(user)
    return {
        "figures": {
            "learners": Learner.objects.visible_to(user).count(),
            "studying": Enrollment.objects.visible_to(user).filter(status=Enrollment.Status.STUDYING).count(),
            "groups": Group.objects.visible_to(user).count(),
            "programs": Program.objects.visible_to(user).count(),
            "overdue_cells": overdue_cells,
            "open_debts": AcademicDebt.objects.filter(
                access.enrollment_scope(user, prefix="enrollment__"), closed_at__isnull=True
            ).count(),
        },
        "charts": [
            _results_by_program(user),
            overdue_chart,
            _open_debts_by_month(user, months),
            _documents_by_month(user, months),
        ],
    }


def home(user: User) -> dict:
    """Each of the user's sections, in the order of `sections`."""
    build = {
        "administration": administration_home,
        "registry": registry_home,
        "curator": curator_home,
        "teacher": teacher_home,
    }
    shown = sections(user)
    return {"sections": shown, **{name: build[name](user) for name in shown}}


def learners_named(context: dict) -> set[int]:
    """The learners a home page names (for the access log): charts and figures name nobody."""
    shown: set[int] = set()
    if "registry" in context:
        shown |= {due.enrollment.learner_id for due in context["registry"]["due"]}
    if "curator" in context:
        shown |= {debt.enrollment.learner_id for debt in context["curator"]["debts"]}
        for entry in context["curator"]["groups"]:
            if entry.shows_admission:
                shown |= {admission.enrollment.learner_id for admission in entry.not_admitted}
    return shown
