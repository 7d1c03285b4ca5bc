"""Writes to programs, modules, groups, teaching assignments and enrolments.

One transaction each, audited."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from zachetka.core import access, audit, collation, grammar, roles
from zachetka.core.writes import create_audited, update_audited
from zachetka.people import services as people_services
from zachetka.people.importing import PlannedRow
from zachetka.people.models import Learner
from zachetka.programs.models import Enrollment, Group, Module, Program, TeachingAssignment


def create_program(*, by: User, curators: list[User] | None = None, **fields: Any) -> Program:
    """Add an educational program."""
    with transaction.atomic():
        program = create_audited(by=by, instance=Program(**fields), action=audit.Action.PROGRAM_CREATED)
        if curators:
            set_program_curators(by=by, program=program, curators=curators)
    return program


@transaction.atomic
@transaction.atomic
def update_program(
    *, by: User, program: Program, expected_version: int, curators: list[User] | None = None, **changes: Any
) -> Program:
    """Change a program's attributes (and, if given, its curators) in one transaction; its hours
    may not fall below its modules' sum."""
    if "hours" in changes:
        Program.objects.select_for_update().filter(pk=program.pk).first()  # modules wait for this
        modules = program.modules.aggregate(total=Sum("hours"))["total"] or 0
        if changes["hours"] is not None and changes["hours"] < modules:
            raise ValidationError(
                {
                    "hours": f"Модули программы составляют {modules} ч: объём программы не может быть "
                    "меньше суммы часов её модулей."
                }
            )
    program = update_audited(
        by=by,
        instance=program,
        changes=changes,
        expected_version=expected_version,
        action=audit.Action.PROGRAM_UPDATED,
    )
    if curators is not None:
        set_program_curators(by=by, program=program, curators=curators)
    return program


@transaction.atomic
def set_program_curators(*, by: User, program: Program, curators: list[User]) -> None:
    """Name the curators of a program (they see all its groups)."""
    for user in curators:
        if not access.has_role(user, roles.CURATOR):
            raise ValidationError({"curators": f"{user.get_full_name() or user} — не куратор программы."})
    before = sorted(program.curators.values_list("pk", flat=True))
    program.curators.set(curators)
    after = sorted(user.pk for user in curators)
    if before != after:
        audit.record(
            by=by,
            action=audit.Action.PROGRAM_UPDATED,
            subject=program,
            before={"curators": before},
            after={"curators": after},
        )


def _check_module_hours(program: Program, hours: int | None, module: Module | None = None) -> None:
    """Modules may not add up to more hours than their program. The program's row is locked, so
    two modules added at once are counted one after the other."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    others = program.modules.all() if module is None else program.modules.exclude(pk=module.pk)
    total = (others.aggregate(total=Sum("hours"))["total"] or 0) + (hours or 0)
    if total > program.hours:
        raise ValidationError(
            {
                "hours": f"Модули программы составят {total} ч, а объём программы — {program.hours} ч: "
                "сумма часов модулей не может превышать объём программы."
            }
        )


@transaction.atomic
def create_module(*, by: User, program: Program, **fields: Any) -> Module:
    """Add a module to a program, within the program's hours."""
    _check_module_hours(program, fields.get("hours"))
    return create_audited(
        by=by, instance=Module(program=program, **fields), action=audit.Action.MODULE_CREATED
    )


@transaction.atomic
def update_module(*, by: User, module: Module, expected_version: int, **changes: Any) -> Module:
    """Change a module's attributes, within the program's hours."""
    if "hours" in changes:
        _check_module_hours(module.program, changes["hours"], module)
    return update_audited(
        by=by,
        instance=module,
        changes=changes,
        expected_version=expected_version,
        action=audit.Action.MODULE_UPDATED,
    )


def _check_curator(group: Group) -> None:
    if group.curator and not access.has_role(group.curator, roles.CURATOR):
        raise ValidationError(
            {"curator": "Куратором группы можно назначить только сотрудника с ролью «Куратор программы»."}
        )


def create_group(*, by: User, **fields: Any) -> Group:
    """Open a new group (cohort) of a program."""
    group = Group(**fields)
    _check_curator(group)
    return create_audited(by=by, instance=group, action=audit.Action.GROUP_CREATED)


def update_group(*, by: User, group: Group, expected_version: int, **changes: Any) -> Group:
    """Change a group's code, dates or curator."""
    if "program" in changes and changes["program"] != group.program and group.teaching_assignments.exists():
        raise ValidationError(
            {"program": "У группы уже есть назначения преподавателей по модулям этой программы."}
        )
    return update_audited(
        by=by,
        instance=group,
        changes=changes,
        expected_version=expected_version,
        action=audit.Action.GROUP_UPDATED,
        prepare=_check_curator,
    )


@transaction.atomic
def assign_teacher(*, by: User, group: Group, module: Module, teacher: User) -> TeachingAssignment:
    """Let a teacher teach (and grade) a module in a group."""
    if module.program_id != group.program_id:
        raise ValidationError({"module": "Модуль не входит в программу группы."})
    if not access.has_role(teacher, roles.TEACHER):
        raise ValidationError(
            {"teacher": "Назначить можно только сотрудника с ролью «Педагогический работник»."}
        )
    if TeachingAssignment.objects.filter(group=group, module=module, teacher=teacher).exists():
        raise ValidationError({"teacher": "Этот преподаватель уже ведёт этот модуль в группе."})
    assignment = TeachingAssignment.objects.create(group=group, module=module, teacher=teacher)
    audit.record(
        by=by,
        action=audit.Action.TEACHER_ASSIGNED,
        subject=group,
        after={"module": module.pk, "teacher": teacher.pk, "teacher_name": teacher.get_full_name()},
    )
    return assignment


@transaction.atomic
def unassign_teacher(*, by: User, assignment: TeachingAssignment) -> None:
    """Withdraw a teacher from a module of a group."""
    group = assignment.group
    before = {
        "module": assignment.module_id,
        "teacher": assignment.teacher_id,
        "teacher_name": assignment.teacher.get_full_name(),
    }
    assignment.delete()
    audit.record(by=by, action=audit.Action.TEACHER_UNASSIGNED, subject=group, before=before)


@transaction.atomic
def enroll(*, by: User, learner: Learner, group: Group, **fields: Any) -> Enrollment:
    """Admit a learner to a group."""
    enrolled = grammar.by_sex(learner.sex, "зачислен", "зачислена")
    already = f"{learner.full_name} уже {enrolled} в группу {group.code}."
    # Enrolments of one learner are made one at a time, so a second, simultaneous one is refused
    # by the check below, naming the learner, and not by the model's two-field constraint, which
    # reports a form-wide error.
    Learner.objects.select_for_update(no_key=True).filter(pk=learner.pk).exists()
    if Enrollment.objects.filter(learner=learner, group=group).exists():
        raise ValidationError({"learner": already})
    enrollment = Enrollment(learner=learner, group=group, **fields)
    try:
        with transaction.atomic():
            return create_audited(by=by, instance=enrollment, action=audit.Action.ENROLLMENT_CREATED)
    except IntegrityError as error:  # a concurrent enrolment of the same learner won the race
        raise ValidationError({"learner": already}) from error


# Statuses an enrolment may move to; leaving a final status (a correction) needs a reason.
NEXT_STATUSES = {
    Enrollment.Status.STUDYING: {
        Enrollment.Status.COMPLETED,
        Enrollment.Status.EXPELLED,
        Enrollment.Status.ACADEMIC_LEAVE,
    },
    Enrollment.Status.ACADEMIC_LEAVE: {Enrollment.Status.STUDYING, Enrollment.Status.EXPELLED},
    Enrollment.Status.COMPLETED: {Enrollment.Status.STUDYING},
    Enrollment.Status.EXPELLED: {Enrollment.Status.STUDYING},
}
FINAL_STATUSES = {Enrollment.Status.COMPLETED, Enrollment.Status.EXPELLED}


def _check_enrollment(enrollment: Enrollment) -> None:
    errors: dict[str, str] = {}
    if enrollment.status == Enrollment.Status.EXPELLED:
        if not enrollment.expulsion_order_number:
            errors["expulsion_order_number"] = "Для отчисления укажите номер приказа."
        if not enrollment.expulsion_order_date:
            errors["expulsion_order_date"] = "Для отчисления укажите дату приказа."
        elif (
            enrollment.admission_order_date
            and enrollment.expulsion_order_date < enrollment.admission_order_date
        ):
            errors["expulsion_order_date"] = "Приказ об отчислении не может быть раньше приказа о зачислении."
    if enrollment.status == Enrollment.Status.COMPLETED and not enrollment.completed_on:
        errors["completed_on"] = "Укажите дату завершения обучения."
    if bool(enrollment.completion_order_number) != bool(enrollment.completion_order_date):
        field = "completion_order_date" if enrollment.completion_order_number else "completion_order_number"
        errors[field] = "Укажите и номер, и дату приказа о завершении обучения."
    elif enrollment.completion_order_date and enrollment.status != Enrollment.Status.COMPLETED:
        errors["completion_order_number"] = "Приказ о завершении указывают, когда обучение завершено."
    if errors:
        raise ValidationError(errors)


def update_enrollment(
    *, by: User, enrollment: Enrollment, expected_version: int, reason: str = "", **changes: Any
) -> Enrollment:
    """Change an enrolment: orders, funding, or status (expulsion needs its order)."""
    old_status = Enrollment.objects.values_list("status", flat=True).get(pk=enrollment.pk)
    new_status = changes.get("status", old_status)
    if new_status != old_status:
        if new_status not in NEXT_STATUSES[old_status]:
            raise ValidationError(
                {
                    "status": (
                        f"Нельзя перевести из статуса «{Enrollment.Status(old_status).label}» "
                        f"в «{Enrollment.Status(new_status).label}»."
                    )
                }
            )
        if old_status in FINAL_STATUSES and not reason.strip():
            raise ValidationError(
                {"reason": "Восстановление после завершения или отчисления — укажите основание."}
            )
    return update_audited(
        by=by,
        instance=enrollment,
        changes=changes,
        expected_version=expected_version,
        action=audit.Action.ENROLLMENT_UPDATED,
        reason=reason,
        prepare=_check_enrollment,
    )


@dataclass
class GroupImportOutcome:
    learners: people_services.ImportOutcome
    enrolled: int
    already_enrolled: int


@transaction.atomic
def import_learners(
    *,
    by: User,
    planned: list[PlannedRow],
    source: str,
    group: Group | None = None,
    admission_order_number: str = "",
    admission_order_date: date | None = None,
    on_step: Callable[[int, int], None] | None = None,
) -> GroupImportOutcome:
    """Import learners from a checked file and, if a group is given, enrol the new ones in it
    under the admission order given (both its number and date, or neither)."""
    if bool(admission_order_number) != bool(admission_order_date):
        field = "admission_order_date" if admission_order_number else "admission_order_number"
        raise ValidationError({field: "Укажите и номер, и дату приказа о зачислении."})
    if admission_order_number and group is None:
        raise ValidationError({"group": "Приказ о зачислении указан — выберите группу, в которую зачислять."})
    outcome = people_services.import_learners(by=by, planned=planned, source=source, on_step=on_step)
    if group is None:
        return GroupImportOutcome(outcome, enrolled=0, already_enrolled=0)
    learners = outcome.learners
    # The group's enrolments rather than `learner__in` with thousands of keys.
    in_group = set(Enrollment.objects.filter(group=group).values_list("learner_id", flat=True))
    enrolled_ids = {learner.pk for learner in learners if learner.pk in in_group}
    new = [
        Enrollment(
            learner=learner,
            group=group,
            admission_order_number=admission_order_number,
            admission_order_date=admission_order_date,
        )
        for learner in learners
        if learner.pk not in enrolled_ids
    ]
    Enrollment.objects.bulk_create(new)
    audit.record_many(
        [
            audit.Entry(
                action=audit.Action.ENROLLMENT_CREATED,
                subject=enrollment,
                after=audit.snapshot(enrollment, Enrollment.AUDITED_FIELDS),
                reason=f"Импорт из файла {source}",
            )
            for enrollment in new
        ],
        by=by,
    )
    return GroupImportOutcome(outcome, enrolled=len(new), already_enrolled=len(enrolled_ids))


def reopen_for_final_attestation(*, by: User, enrollment: Enrollment, reason: str) -> Enrollment:
    """Put a completed enrolment back before its final attestation (the protocol that completed
    it was annulled): studying again, without outcome, completion date or completion order."""
    if enrollment.status != Enrollment.Status.COMPLETED:
        return enrollment
    return update_audited(
        by=by,
        instance=enrollment,
        expected_version=enrollment.version,
        reason=reason,
        changes={
            "status": Enrollment.Status.STUDYING,
            "completed_on": None,
            "outcome": "",
            "completion_order_number": "",
            "completion_order_date": None,
        },
        action=audit.Action.ENROLLMENT_UPDATED,
        prepare=_check_enrollment,
    )


def complete_enrollment(
    *, by: User, enrollment: Enrollment, completed_on: date, outcome: str, reason: str
) -> Enrollment:
    """Close an enrolment with the outcome of the final attestation (signed protocol)."""
    return update_audited(
        by=by,
        instance=enrollment,
        expected_version=enrollment.version,
        reason=reason,
        changes={"status": Enrollment.Status.COMPLETED, "completed_on": completed_on, "outcome": outcome},
        action=audit.Action.ENROLLMENT_UPDATED,
        prepare=_check_enrollment,
    )


# What may be done at once to several enrolments of a group, from its page.
BATCH_ACTIONS = {
    "admission_order": "Приказ о зачислении",
    "completion_order": "Приказ о завершении обучения",
    "expel": "Отчисление",
    "leave": "Академический отпуск",
    "resume": "Возврат к обучению",
}


def _batch_problem(enrollment: Enrollment, changes: dict[str, Any]) -> str:
    """Why this enrolment cannot take the batch's change before the service is even asked ("" if
    it may): a status it already has, or a completion order before the final attestation."""
    target = changes.get("status")
    if target and enrollment.status == target:
        return f"статус уже «{enrollment.status_label}»"
    if "completion_order_number" in changes and enrollment.status != Enrollment.Status.COMPLETED:
        return (
            "обучение не завершено: приказ о завершении издают после итоговой аттестации "
            "(подписанного протокола)"
        )
    return ""


@transaction.atomic
def update_enrollments(
    *, by: User, group: Group, enrollment_ids: list[int], reason: str = "", **changes: Any
) -> list[Enrollment]:
    """Apply one change to several enrolments of a group: to all of them or to none.

    Each enrolment goes through `update_enrollment` (its rules, its own audit event) under a row
    lock; if any of them refuses, nothing is written and the error names every learner refused."""
    wanted = set(enrollment_ids)
    enrollments = list(
        Enrollment.objects.select_for_update(of=("self",))
        .filter(group=group, pk__in=wanted)
        .select_related("learner")
        .order_by("pk")
    )
    if not enrollments or len(enrollments) != len(wanted):
        raise ValidationError(
            f"Не все выбранные зачисления найдены в группе {group.code}: обновите страницу и выберите снова."
        )
    problems: list[str] = []
    ordered = sorted(
        enrollments,
        key=lambda e: (
            *map(collation.ru_key, (e.learner.last_name, e.learner.first_name, e.learner.middle_name)),
            e.pk,
        ),
    )
    for enrollment in ordered:
        problem = _batch_problem(enrollment, changes)
        if not problem:
            try:
                with transaction.atomic():
                    update_enrollment(
                        by=by,
                        enrollment=enrollment,
                        expected_version=enrollment.version,
                        reason=reason,
                        **changes,
                    )
            except ValidationError as error:
                problem = " ".join(error.messages)
        if problem:
            problems.append(f"{enrollment.learner.full_name}: {problem}")
    if problems:
        # Raised inside the transaction: the enrolments already changed are rolled back.
        raise ValidationError(problems)
    return ordered
