"""Reads of attestation, scoped by the acting user."""

import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from zachetka.attestation.models import (
    QUALIFYING_PROGRAM_KINDS,
    AcademicDebt,
    Commission,
    CommissionMember,
    Protocol,
    ProtocolMember,
    ProtocolResult,
)
from zachetka.core import access, collation, plural, roles
from zachetka.gradebook.models import GradingScale
from zachetka.programs.models import Enrollment, Group, Module, Program

Actor = User | AnonymousUser


@dataclass
class SummaryRow:
    enrollment: Enrollment
    intermediate: list[str]  # per module: the last signed result, «—» when none
    final: str
    open_debts: int


@dataclass
class Summary:
    group: Group
    modules: list[Module]
    rows: list[SummaryRow]


def group_summary(user: Actor, group_pk: int) -> Summary:
    """The consolidated statement (сводная ведомость) of a group: every module's intermediate
    result and the final result, from signed protocols only; Group.DoesNotExist if not visible."""
    group = Group.objects.visible_to(user).select_related("program").get(pk=group_pk)
    modules = list(group.program.modules.order_by("order"))
    position = {module.pk: i for i, module in enumerate(modules)}
    enrollments = list(
        group.enrollments.select_related("learner").order_by(
            "learner__last_name", "learner__first_name", "learner__middle_name"
        )
    )
    signed = (
        ProtocolResult.objects.filter(protocol__group=group, protocol__status=Protocol.Status.SIGNED)
        .exclude(value="")
        .order_by("protocol__held_on", "protocol__attempt", "protocol__pk")
        .values_list("enrollment_id", "protocol__kind", "protocol__module_id", "value")
    )
    intermediate: dict[int, list[str]] = {e.pk: ["—"] * len(modules) for e in enrollments}
    final: dict[int, str] = {}
    for enrollment_id, kind, module_id, value in signed:  # later sittings overwrite earlier ones
        if enrollment_id not in intermediate:
            continue
        if kind == Protocol.Kind.FINAL:
            final[enrollment_id] = value
        elif module_id in position:
            intermediate[enrollment_id][position[module_id]] = value
    debts: dict[int, int] = {}
    for enrollment_id in AcademicDebt.objects.filter(
        enrollment__group=group, closed_at__isnull=True
    ).values_list("enrollment_id", flat=True):
        debts[enrollment_id] = debts.get(enrollment_id, 0) + 1
    rows = [SummaryRow(e, intermediate[e.pk], final.get(e.pk, "—"), debts.get(e.pk, 0)) for e in enrollments]
    return Summary(group=group, modules=modules, rows=rows)


def commission_candidates() -> QuerySet[User]:
    """Staff who may sit on a commission: everyone active but learners."""
    return (
        User.objects.filter(is_active=True, groups__name__in=roles.STAFF_ROLES)
        .distinct()
        .order_by(*collation.collated("last_name", "first_name"), "pk")
    )


def commissions_visible_to(user: Actor) -> QuerySet[Commission]:
    """The administration sees every commission; others those of their programs and groups and
    those they sit on."""
    commissions = Commission.objects.select_related("program", "group")
    if access.sees_everything(user):
        return commissions
    return commissions.filter(
        Q(program__in=Program.objects.visible_to(user))
        | Q(group__in=Group.objects.visible_to(user))
        | Q(members__user=user)
    ).distinct()


def protocol_for(user: Actor, pk: int) -> Protocol:
    """A protocol of a group the user sees, with what its page shows; Protocol.DoesNotExist else."""
    return (
        Protocol.objects.visible_to(user)
        .select_related(
            "group__program",
            "module",
            "commission",
            "examiner",
            "scale",
            "replaces",
            "created_by",
            "annulled_by",
        )
        .get(pk=pk)
    )


def protocol_results(protocol: Protocol) -> list[ProtocolResult]:
    return list(
        protocol.results.select_related("enrollment__learner").order_by(
            "enrollment__learner__last_name",
            "enrollment__learner__first_name",
            "enrollment__learner__middle_name",
        )
    )


@dataclass(frozen=True)
class Attendance:
    """Who of the commission sat on a protocol, and whether that makes a quorum."""

    members: list[ProtocolMember]  # the chair first, then members, the secretary last
    needed: int  # the fewest members present for a quorum

    @property
    def present(self) -> list[ProtocolMember]:
        return [member for member in self.members if member.is_present]

    @property
    def absent(self) -> list[ProtocolMember]:
        return [member for member in self.members if not member.is_present]

    @property
    def has_quorum(self) -> bool:
        return len(self.present) >= self.needed

    @property
    def missing_officers(self) -> list[ProtocolMember]:
        """The chair and the secretary, if not present: without them there is no sitting."""
        return [m for m in self.absent if m.role != CommissionMember.Role.MEMBER]

    @property
    def is_valid(self) -> bool:
        return self.has_quorum and not self.missing_officers

    @property
    def signed_by_all_present(self) -> bool:
        return all(member.signed_at for member in self.present)


_ROLE_ORDER = {
    CommissionMember.Role.CHAIR: 0,
    CommissionMember.Role.MEMBER: 1,
    CommissionMember.Role.SECRETARY: 2,
}


def quorum_of(size: int) -> int:
    """The fewest members present that are more than ZACHETKA_COMMISSION_QUORUM of `size`."""
    share = Fraction(str(settings.COMMISSION_QUORUM))
    return math.floor(share * size) + 1


def attendance(protocol: Protocol) -> Attendance:
    members = sorted(
        ProtocolMember.objects.filter(protocol=protocol).select_related("user").order_by("pk"),
        key=lambda member: _ROLE_ORDER[member.role],
    )
    return Attendance(members=members, needed=quorum_of(len(members)))


def awarded_qualifications(protocol: Protocol, results: list[ProtocolResult]) -> dict[int, str]:
    """Per result id, the qualification the commission's decision awards a passing learner of
    ПП or ПО: «„Менеджер в сфере образования“», «„Слесарь-ремонтник“, 3 разряд». A signed
    protocol names what it recorded; a draft, the program's qualification as it stands."""
    program = protocol.group.program
    if protocol.kind != Protocol.Kind.FINAL or program.kind not in QUALIFYING_PROGRAM_KINDS:
        return {}
    awarded = {}
    for result in results:
        if not result.is_passing:
            continue
        name = result.qualification or program.qualification
        parts = [f"«{name}»" if name else "", result.qualification_grade]
        if any(parts):
            awarded[result.pk] = ", ".join(part for part in parts if part)
    return awarded


def results_summary(protocol: Protocol, results: list[ProtocolResult]) -> str:
    """What a signature covers, in words: «3 слушателя, 3 результата (из них неявок — 1,
    незачётов — 1)»."""
    entered = [r for r in results if r.value]
    absent = sum(1 for r in entered if r.is_absent)
    failed = sum(1 for r in entered if not r.is_passing and not r.is_absent)
    pass_fail = protocol.scale.kind == GradingScale.Kind.PASS_FAIL
    failed_word = "незачётов" if pass_fail else "неудовлетворительных"
    return (
        f"{plural.count_with(len(results), 'слушатель', 'слушателя', 'слушателей')}, "
        f"{plural.count_with(len(entered), 'результат', 'результата', 'результатов')} "
        f"(из них неявок — {absent}, {failed_word} — {failed})"
    )


def replacement_of(protocol: Protocol) -> Protocol | None:
    return Protocol.objects.filter(replaces=protocol).first()


def debts_visible_to(user: Actor) -> QuerySet[AcademicDebt]:
    return AcademicDebt.objects.filter(access.enrollment_scope(user, prefix="enrollment__")).select_related(
        "enrollment__learner", "enrollment__group", "module", "arisen_from", "closed_by"
    )


def open_debts(user: Actor, *, overdue_only: bool, today: dt.date) -> QuerySet[AcademicDebt]:
    """The open debts the user sees (past their term on `today` only, if asked), by term, group
    and surname: the list page and its export."""
    debts = debts_visible_to(user).filter(closed_at__isnull=True)
    if overdue_only:
        debts = debts.filter(due_on__lt=today)
    return debts.order_by("due_on", "enrollment__group__code", "enrollment__learner__last_name", "pk")


def learner_debts(user: Actor, learner_pk: int) -> QuerySet[AcademicDebt]:
    """Every debt of one learner across their enrolments, open ones first."""
    return debts_visible_to(user).filter(enrollment__learner_id=learner_pk).order_by("closed_at", "due_on")


def attempts_by_module(group: Group) -> dict[int, dict]:
    """Per module of a group: the statements by attempt (not annulled) and open debts, for the
    group's attestation overview."""
    overview: dict[int, dict] = {}
    for protocol in Protocol.objects.filter(group=group, kind=Protocol.Kind.INTERMEDIATE).exclude(
        status=Protocol.Status.ANNULLED
    ):
        overview.setdefault(protocol.module_id, {"statements": [], "open_debts": 0})["statements"].append(
            protocol
        )
    for module_id in AcademicDebt.objects.filter(enrollment__group=group, closed_at__isnull=True).values_list(
        "module_id", flat=True
    ):
        overview.setdefault(module_id, {"statements": [], "open_debts": 0})["open_debts"] += 1
    return overview
