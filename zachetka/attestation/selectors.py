"""Reads of attestation, scoped by the acting user."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from zachetka.attestation.models import AcademicDebt, Protocol, ProtocolResult
from zachetka.programs.models import Enrollment, Group, Module

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
