"""Writes to the gradebook: one transaction each, with the cell's history and the audit trail."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from zachetka.core import access, audit, names, plural
from zachetka.core.writes import create_audited, update_audited
from zachetka.gradebook.models import (
    Assessment,
    Grade,
    GradebookLock,
    GradingScale,
    Mark,
    ScaleValue,
)
from zachetka.organization import selectors as organization
from zachetka.programs.models import Enrollment, Group, Module

# Learners whose cells take grades; an expelled learner's row is kept but closed.
GRADABLE_STATUSES = (
    Enrollment.Status.STUDYING,
    Enrollment.Status.ACADEMIC_LEAVE,
    Enrollment.Status.COMPLETED,
)


class GradeConflict(ValidationError):
    """The cell changed since the user loaded it; carries what it holds now."""

    def __init__(self, grade: Grade | None) -> None:
        author = names.user_full_name(grade.entered_by) if grade else ""
        current = (grade.value if grade else "") or "пусто"
        super().__init__(
            f"Пока вы вводили оценку, её изменил другой пользователь ({author}): сейчас «{current}». "
            "Ваше значение не сохранено.",
            code="conflict",
        )
        self.grade = grade


class ReasonRequired(ValidationError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="reason_required")


def default_due_on(held_on: dt.date) -> dt.date:
    return held_on + dt.timedelta(days=organization.deadlines().grade_entry_days)


def _require_grader(by: User, group: Group, module: Module) -> None:
    if not access.may_grade(by, group.pk, module.pk):
        raise PermissionDenied(
            "Вносить оценки могут преподаватели этого модуля, куратор группы и учебная часть."
        )


def is_locked(group_id: int, module_id: int) -> bool:
    return GradebookLock.objects.filter(group_id=group_id, module_id=module_id).exists()


def create_assessment(
    *,
    by: User,
    group: Group,
    module: Module,
    held_on: dt.date,
    title: str,
    scale: GradingScale,
    kind: str = Assessment.Kind.CURRENT,
    weight: Any = 1,
    due_on: dt.date | None = None,
) -> Assessment:
    """Add a graded event (a gradebook column) to a group's module."""
    _require_grader(by, group, module)
    if module.program_id != group.program_id:
        raise ValidationError({"module": "Модуль не входит в программу группы."})
    if is_locked(group.pk, module.pk):
        raise ValidationError("Журнал модуля закрыт: новые мероприятия не добавляются.")
    assessment = Assessment(
        group=group,
        module=module,
        held_on=held_on,
        title=title.strip(),
        scale=scale,
        kind=kind,
        weight=weight,
        due_on=due_on or default_due_on(held_on),
        created_by=by,
    )
    if assessment.due_on < held_on:
        raise ValidationError({"due_on": "Срок внесения оценок не может быть раньше даты мероприятия."})
    return create_audited(by=by, instance=assessment, action=audit.Action.ASSESSMENT_CREATED)


def update_assessment(
    *, by: User, assessment: Assessment, expected_version: int, **changes: Any
) -> Assessment:
    """Change an assessment; its scale is fixed once grades are entered."""
    _require_grader(by, assessment.group, assessment.module)
    if is_locked(assessment.group_id, assessment.module_id):
        raise ValidationError("Журнал модуля закрыт: мероприятия не меняются.")
    if (
        "scale" in changes
        and changes["scale"] != assessment.scale
        and assessment.grades.exclude(value="").exists()
    ):
        raise ValidationError({"scale": "По мероприятию уже выставлены оценки: шкалу сменить нельзя."})
    if changes.get("due_on") and changes.get("held_on") and changes["due_on"] < changes["held_on"]:
        raise ValidationError({"due_on": "Срок внесения оценок не может быть раньше даты мероприятия."})
    return update_audited(
        by=by,
        instance=assessment,
        changes=changes,
        expected_version=expected_version,
        action=audit.Action.ASSESSMENT_UPDATED,
    )


@transaction.atomic
def delete_assessment(*, by: User, assessment: Assessment) -> None:
    """Remove a column that has no grades (a column with grades is part of the record)."""
    _require_grader(by, assessment.group, assessment.module)
    if assessment.grades.exists():
        raise ValidationError("По мероприятию уже есть оценки или их история: удалить его нельзя.")
    audit.record(
        by=by,
        action=audit.Action.ASSESSMENT_DELETED,
        subject=assessment,
        before=audit.snapshot(assessment, Assessment.AUDITED_FIELDS),
    )
    assessment.delete()


@dataclass(frozen=True)
class CellRules:
    """What applies to changing a cell now: the lock and the deadline."""

    is_locked: bool
    is_past_deadline: bool


def _check_cell_rules(
    *, by: User, assessment: Assessment, old_value: str, mark: Mark, reason: str
) -> CellRules:
    today = timezone.localdate()
    locked = getattr(assessment, "gradebook_locked", None)  # read with the column (with_cell_rules)
    rules = CellRules(
        is_locked=is_locked(assessment.group_id, assessment.module_id) if locked is None else locked,
        is_past_deadline=today > assessment.due_on,
    )
    if rules.is_locked:
        if not access.is_administration(by):
            raise PermissionDenied("Журнал модуля закрыт: исправить оценку может только администрация.")
        if not reason.strip():
            raise ReasonRequired("Журнал модуля закрыт: укажите основание исправления.")
    elif rules.is_past_deadline and old_value != "" and not reason.strip():
        raise ReasonRequired(
            f"Срок внесения оценок истёк {assessment.due_on:%d.%m.%Y}: укажите причину исправления."
        )
    return rules


@dataclass(frozen=True)
class _Cell:
    """What a cell holds before a save: no grade row (pk None) is an empty cell of version 0."""

    pk: int | None
    value: str
    version: int
    is_late: bool


def _current_cell(assessment: Assessment, enrollment: Enrollment) -> _Cell:
    """The cell as read with the enrolment (selectors.cell_to_save), or read now."""
    if getattr(enrollment, "cell_assessment_id", None) == assessment.pk:
        if enrollment.cell_grade_id is None:
            return _Cell(None, "", 0, False)
        return _Cell(
            enrollment.cell_grade_id, enrollment.cell_value, enrollment.cell_version, enrollment.cell_is_late
        )
    row = (
        Grade.objects.filter(assessment=assessment, enrollment=enrollment)
        .values_list("pk", "value", "version", "is_late")
        .first()
    )
    return _Cell(*row) if row else _Cell(None, "", 0, False)


def _may_grade(by: User, assessment: Assessment) -> bool:
    if getattr(assessment, "rules_user_id", None) == by.pk:  # read with the column (with_cell_rules)
        return access.may(by, "gradebook.add_grade") and bool(assessment.user_may_grade)
    return access.may_grade(by, assessment.group_id, assessment.module_id)


def _current_grade(assessment: Assessment, enrollment: Enrollment) -> Grade | None:
    return (
        Grade.objects.select_related("entered_by")
        .filter(assessment=assessment, enrollment=enrollment)
        .first()
    )


class _CellTaken(Exception):  # noqa: N818 - a signal between two functions, not an error shown
    """Someone created the cell a moment earlier (the unique cell constraint refused ours)."""


def record_grade(
    *,
    by: User,
    assessment: Assessment,
    enrollment: Enrollment,
    text: str,
    expected_version: int,
    reason: str = "",
    audit_head: audit.HeadSnapshot | None = None,
) -> Grade | None:
    """Put a value into a cell (or clear it), refusing if the cell changed since it was loaded.

    `expected_version` is the cell's version the user saw: 0 for a cell that was empty.
    The version is checked by the write itself (an update of that version, an insert that the
    unique cell constraint refuses), so no row is locked. The view passes the column read
    `with_cell_rules` and the enrolment read by `selectors.cell_to_save`, with the audit chain's
    head (`audit_head`): then the save reads nothing more.
    """
    arguments = {
        "by": by,
        "assessment": assessment,
        "enrollment": enrollment,
        "text": text,
        "expected_version": expected_version,
        "reason": reason,
    }
    try:
        try:
            return _record_grade(**arguments, audit_head=audit_head)
        except audit.HeadMoved:  # another write was audited meanwhile: again, with the head locked
            return _record_grade(**arguments, audit_head=None)
    except _CellTaken as taken:  # the transaction is undone: the cell can be read again
        raise GradeConflict(_current_grade(assessment, enrollment)) from taken.__cause__


def _checked_grade(
    *,
    by: User,
    assessment: Assessment,
    enrollment: Enrollment,
    text: str,
    expected_version: int,
    reason: str,
    cell: _Cell,
) -> Grade | None:
    """Every check of a save of `text` into a cell that holds `cell`, and the grade row it would
    write (None: the cell already holds that value, or stays empty). One save (record_grade) and
    many (record_grades) make the same checks here."""
    if not _may_grade(by, assessment):
        raise PermissionDenied(
            "Вносить оценки могут преподаватели этого модуля, куратор группы и учебная часть."
        )
    if enrollment.group_id != assessment.group_id:
        raise ValidationError("Слушатель не из этой группы.")
    if enrollment.status not in GRADABLE_STATUSES:
        raise ValidationError(
            f"{enrollment.learner.short_name}: {enrollment.status_label}, оценки не вносятся."
        )
    mark = assessment.scale.interpret(text, assessment.scale_values())
    if cell.version != expected_version:
        raise GradeConflict(_current_grade(assessment, enrollment))
    if cell.pk is not None and cell.value == mark.value:
        return None
    if cell.pk is None and mark.is_empty:
        return None
    rules = _check_cell_rules(by=by, assessment=assessment, old_value=cell.value, mark=mark, reason=reason)
    return Grade(
        pk=cell.pk,
        assessment=assessment,
        enrollment=enrollment,
        value=mark.value,
        points=mark.points,
        is_passing=mark.is_passing,
        is_absent=mark.is_absent,
        entered_by=by,
        entered_at=timezone.now(),
        is_late=cell.is_late if cell.pk is not None else rules.is_past_deadline,
        version=cell.version + 1,
        change_reason=reason.strip(),
    )


def _grade_event(by: User, grade: Grade, old_value: str, reason: str) -> audit.Entry:
    return audit.Entry(
        action=audit.Action.GRADE_CORRECTED if old_value else audit.Action.GRADE_ENTERED,
        subject=grade,
        before={"value": old_value} if old_value else None,
        after={
            "value": grade.value,
            "assessment": grade.assessment.pk,
            "learner": grade.enrollment.learner_id,
        },
        reason=reason.strip(),
    )


# The columns a save changes in an existing grade row (is_late stays as first entered).
_UPDATED_FIELDS = (
    "value",
    "points",
    "is_passing",
    "is_absent",
    "entered_by",
    "entered_at",
    "version",
    "change_reason",
)


@transaction.atomic
def _record_grade(
    *,
    by: User,
    assessment: Assessment,
    enrollment: Enrollment,
    text: str,
    expected_version: int,
    reason: str,
    audit_head: audit.HeadSnapshot | None,
) -> Grade | None:
    cell = _current_cell(assessment, enrollment)
    grade = _checked_grade(
        by=by,
        assessment=assessment,
        enrollment=enrollment,
        text=text,
        expected_version=expected_version,
        reason=reason,
        cell=cell,
    )
    if grade is None:
        return None if cell.pk is None else _current_grade(assessment, enrollment)
    if cell.pk is None:
        try:
            grade.save(force_insert=True)
        except IntegrityError as error:
            raise _CellTaken from error
    else:
        written = Grade.objects.filter(pk=cell.pk, version=cell.version).update(
            **{name: getattr(grade, name) for name in _UPDATED_FIELDS}
        )
        if not written:  # changed since it was read
            raise GradeConflict(_current_grade(assessment, enrollment))
    # The cell's history row is written by the database with the grade (gradebook.guards).
    entry = _grade_event(by, grade, cell.value, reason)
    audit.record_many([entry], by=by, head=audit_head)
    return grade


@dataclass(frozen=True)
class CellWrite:
    """One cell of a many-cell save: the column read `with_cell_rules(by)` and
    `with_scale_values()`, the enrolment with its learner, the text, the version seen."""

    assessment: Assessment
    enrollment: Enrollment
    text: str
    expected_version: int
    reason: str = ""


class CellsRefused(ValidationError):
    """Nothing was saved; `failures` pairs the index of each refused write with why."""

    def __init__(self, failures: list[tuple[int, ValidationError | PermissionDenied]]) -> None:
        super().__init__("Оценки не сохранены.", code="refused")
        self.failures = failures


def _cells_now(writes: list[CellWrite], *, lock: bool) -> dict[tuple[int, int], _Cell]:
    """What the written cells hold now, in one query (their rows locked when `lock`)."""
    rows = Grade.objects.filter(
        assessment_id__in={write.assessment.pk for write in writes},
        enrollment_id__in={write.enrollment.pk for write in writes},
    ).order_by()
    if lock:
        rows = rows.select_for_update()
    wanted = {(write.assessment.pk, write.enrollment.pk) for write in writes}
    found = rows.values_list("assessment_id", "enrollment_id", "pk", "value", "version", "is_late")
    return {
        (assessment, enrollment): _Cell(pk, value, version, is_late)
        for assessment, enrollment, pk, value, version, is_late in found.iterator(chunk_size=5000)
        if (assessment, enrollment) in wanted
    }


def _check_writes(
    by: User,
    writes: list[CellWrite],
    cells: dict[tuple[int, int], _Cell],
    on_step: Callable[[int], None] | None,
) -> tuple[list[tuple[int, Exception]], list[tuple[Grade, _Cell, str]]]:
    failures: list[tuple[int, Exception]] = []
    planned: list[tuple[Grade, _Cell, str]] = []
    empty = _Cell(None, "", 0, False)
    for index, write in enumerate(writes):
        cell = cells.get((write.assessment.pk, write.enrollment.pk), empty)
        try:
            grade = _checked_grade(
                by=by,
                assessment=write.assessment,
                enrollment=write.enrollment,
                text=write.text,
                expected_version=write.expected_version,
                reason=write.reason,
                cell=cell,
            )
        except (ValidationError, PermissionDenied) as error:
            failures.append((index, error))
        else:
            if grade is not None:
                planned.append((grade, cell, write.reason))
        if on_step is not None:
            on_step(index + 1)
    return failures, planned


def check_grades(
    *, by: User, writes: list[CellWrite], on_step: Callable[[int], None] | None = None
) -> list[tuple[int, Exception]]:
    """The refusals `record_grades(writes)` would meet now, writing nothing: a long save is
    checked first, outside its transaction, so that its progress (`on_step(cells checked)`) is
    seen as it goes, and a refusal comes before anything is written."""
    return _check_writes(by, writes, _cells_now(writes, lock=False), on_step)[0]


def _update_checked(grades: list[Grade], cells: dict[tuple[int, int], _Cell]) -> None:
    """record_grade's update of a cell's row (only if it still has the version read) for many
    rows, one statement run for each (Django's bulk_update builds its CASE expressions at
    several milliseconds a row). The rows are locked (PostgreSQL) or the database is (SQLite's
    immediate transaction) since they were read, so no update should find its version gone."""
    if not grades:
        return
    fields = [Grade._meta.get_field(name) for name in _UPDATED_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Table and column names come from the model; every value is a query parameter.
    key, version = quote(Grade._meta.pk.column), quote(Grade._meta.get_field("version").column)
    sql = f"UPDATE {quote(Grade._meta.db_table)} SET {assignments} WHERE {key} = %s AND {version} = %s"  # noqa: S608
    rows = [
        [
            *(field.get_db_prep_save(getattr(grade, field.attname), connection) for field in fields),
            grade.pk,
            cells[(grade.assessment.pk, grade.enrollment.pk)].version,
        ]
        for grade in grades
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        if cursor.rowcount != len(rows):
            raise RuntimeError("A locked grade row changed before its update.")  # undoes it all


@transaction.atomic
def record_grades(*, by: User, writes: list[CellWrite]) -> list[Grade]:
    """Save many cells at once, all or nothing (CellsRefused names every refused write): each
    cell meets exactly the checks of `record_grade` against its row as read (and locked) in
    this transaction; the grades are inserted and updated in batches, their history rows
    written by the database's triggers row by row, and their audit events appended to the
    chain in the order of `writes`, as record_grade would append them one by one."""
    cells = _cells_now(writes, lock=True)
    failures, planned = _check_writes(by, writes, cells, None)
    if failures:
        raise CellsRefused(failures)
    new = [grade for grade, cell, _ in planned if cell.pk is None]
    changed = [grade for grade, cell, _ in planned if cell.pk is not None]
    try:
        with transaction.atomic():
            Grade.objects.bulk_create(new, batch_size=500)
    except IntegrityError as error:
        # Another save created some of these cells since they were read: name each one.
        taken = _cells_now(writes, lock=False)
        conflicts = [
            (index, GradeConflict(_current_grade(write.assessment, write.enrollment)))
            for index, write in enumerate(writes)
            if (write.assessment.pk, write.enrollment.pk) in taken
            and (write.assessment.pk, write.enrollment.pk) not in cells
        ]
        if not conflicts:  # not a cell taken meanwhile
            raise
        raise CellsRefused(conflicts) from error
    _update_checked(changed, cells)
    audit.record_many([_grade_event(by, grade, cell.value, reason) for grade, cell, reason in planned], by=by)
    return [grade for grade, _, _ in planned]


@transaction.atomic
def fill_column(*, by: User, assessment: Assessment, text: str) -> int:
    """Give every empty cell of a column the same value (e.g. «зачтено» for all present); all or nothing."""
    _require_grader(by, assessment.group, assessment.module)
    mark = assessment.scale.interpret(text)
    if mark.is_empty:
        raise ValidationError("Укажите значение, которым заполнить столбец.")
    if is_locked(assessment.group_id, assessment.module_id):
        raise PermissionDenied("Журнал модуля закрыт: заполнение столбца недоступно.")
    enrollments = list(
        Enrollment.objects.select_for_update()
        .filter(group_id=assessment.group_id, status__in=GRADABLE_STATUSES)
        .exclude(grades__assessment=assessment)
        .select_related("learner")
    )
    now = timezone.now()
    is_late = timezone.localdate() > assessment.due_on
    empty_existing = list(
        Grade.objects.select_for_update()
        .select_related("enrollment")
        .filter(assessment=assessment, value="", enrollment__status__in=GRADABLE_STATUSES)
    )
    new_grades = [
        Grade(
            assessment=assessment,
            enrollment=enrollment,
            value=mark.value,
            points=mark.points,
            is_passing=mark.is_passing,
            is_absent=mark.is_absent,
            entered_by=by,
            entered_at=now,
            is_late=is_late,
            version=1,
        )
        for enrollment in enrollments
    ]
    Grade.objects.bulk_create(new_grades)
    for grade in empty_existing:
        grade.value, grade.points, grade.is_passing, grade.is_absent = (
            mark.value,
            mark.points,
            mark.is_passing,
            mark.is_absent,
        )
        grade.entered_by, grade.entered_at, grade.version = by, now, grade.version + 1
        grade.change_reason = ""
    Grade.objects.bulk_update(empty_existing, _UPDATED_FIELDS)
    filled = [*new_grades, *empty_existing]  # their history rows are written by the database
    audit.record_many(
        [
            audit.Entry(
                action=audit.Action.GRADE_ENTERED,
                subject=grade,
                after={
                    "value": mark.value,
                    "assessment": assessment.pk,
                    "learner": grade.enrollment.learner_id,
                },
            )
            for grade in filled
        ]
        + [
            audit.Entry(
                action=audit.Action.GRADES_FILLED,
                subject=assessment,
                extra={"value": mark.value, "cells": len(filled)},
            )
        ],
        by=by,
    )
    return len(filled)


@transaction.atomic
def lock_gradebook(*, by: User, group: Group, module: Module, reason: str = "") -> GradebookLock:
    """Close a module's current grades for entry (corrections only by the administration)."""
    access.require(by, "gradebook.add_gradebooklock")
    lock, created = GradebookLock.objects.get_or_create(
        group=group, module=module, defaults={"locked_by": by, "locked_at": timezone.now(), "reason": reason}
    )
    if not created:
        raise ValidationError("Журнал модуля уже закрыт.")
    audit.record(
        by=by, action=audit.Action.GRADEBOOK_LOCKED, subject=group, after={"module": module.pk}, reason=reason
    )
    return lock


@transaction.atomic
def unlock_gradebook(*, by: User, group: Group, module: Module, reason: str) -> None:
    """Reopen a module's current grades; the reason is kept in the audit trail."""
    access.require(by, "gradebook.delete_gradebooklock")
    if not reason.strip():
        raise ValidationError("Укажите основание, по которому журнал открывается снова.")
    deleted, _ = GradebookLock.objects.filter(group=group, module=module).delete()
    if not deleted:
        raise ValidationError("Журнал модуля не закрыт.")
    audit.record(
        by=by,
        action=audit.Action.GRADEBOOK_UNLOCKED,
        subject=group,
        before={"module": module.pk},
        reason=reason,
    )


def lock_for_attestation(*, by: User, protocol: Any) -> GradebookLock:
    """Close a module's current grades when its intermediate attestation is signed.

    Called by the attestation service inside its own transaction: signing the statement is
    what entitles the lock, so no separate permission applies here.
    """
    lock = GradebookLock.objects.create(
        group_id=protocol.group_id,
        module_id=protocol.module_id,
        locked_by=by,
        locked_at=timezone.now(),
        reason=f"Ведомость промежуточной аттестации № {protocol.number} подписана",
    )
    audit.record(
        by=by,
        action=audit.Action.GRADEBOOK_LOCKED,
        subject=protocol.group,
        after={"module": protocol.module_id, "protocol": protocol.number},
        reason=lock.reason,
    )
    return lock


# --- Grading scales: reference data the administration keeps (Администрирование → Шкалы) ---


def scale_usage(scale: GradingScale) -> int:
    """How many assessments and protocols were graded on the scale: while any, its values stand."""
    protocol = apps.get_model("attestation", "Protocol")
    return Assessment.objects.filter(scale=scale).count() + protocol.objects.filter(scale=scale).count()


def _values_snapshot(values: list[ScaleValue]) -> list[dict[str, Any]]:
    """A scale's values in order, as the audit trail has kept them since scales were edited in admin."""
    return [
        {
            "code": value.code,
            "label": value.label,
            "aliases": value.aliases,
            "points": str(value.points),
            "passing": value.is_passing,
            "from": value.min_score,
            "to": value.max_score,
        }
        for value in sorted(values, key=lambda v: v.order)
    ]


def _check_scale_values(kind: str, values: list[ScaleValue]) -> None:
    """Refuse a set of values that could not grade anyone right, naming the row."""
    errors: list[str] = []
    if len(values) < 2:
        errors.append("У шкалы должно быть не меньше двух значений.")
    if values and not any(value.is_passing for value in values):
        errors.append("Хотя бы одно значение шкалы должно быть положительным.")
    if values and all(value.is_passing for value in values):
        errors.append("Хотя бы одно значение шкалы должно быть неположительным.")
    seen: dict[str, int] = {}
    for value in values:
        row = f"Строка {value.order}"
        code = value.code.strip().lower().replace("ё", "е")
        if not code:
            errors.append(f"{row}: укажите значение.")
        elif code in seen:
            errors.append(f"{row}: значение «{value.code}» уже есть в строке {seen[code]}.")
        else:
            seen[code] = value.order
        for alias in value.alias_set:
            if alias in seen and seen[alias] != value.order:
                errors.append(f"{row}: написание «{alias}» уже означает значение из строки {seen[alias]}.")
        if not 0 <= value.points <= 100:
            errors.append(f"{row}: баллы — от 0 до 100.")
        try:
            value.clean()
        except ValidationError as error:
            errors.extend(f"{row}: {message}" for message in error.messages)
    if kind == GradingScale.Kind.HUNDRED_POINT:
        covered: list[int] = []
        for value in values:
            if value.min_score is None or value.max_score is None or value.min_score > value.max_score:
                errors.append(f"Строка {value.order}: диапазон баллов «от» и «до», от меньшего к большему.")
            else:
                covered.extend(range(value.min_score, value.max_score + 1))
        if covered and sorted(covered) != list(range(101)):
            errors.append("Диапазоны должны без пропусков и пересечений покрывать баллы от 0 до 100.")
    if errors:
        raise ValidationError({"values": errors})


def _check_scale_title(title: str, scale: GradingScale | None = None) -> str:
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": "Укажите наименование шкалы."})
    taken = GradingScale.objects.filter(title__iexact=title)
    if scale is not None:
        taken = taken.exclude(pk=scale.pk)
    if taken.exists():
        raise ValidationError({"title": f"Шкала «{title}» уже есть."})
    return title


def _scale_after(scale: GradingScale, values: list[ScaleValue]) -> dict[str, Any]:
    return {
        "title": scale.title,
        "kind": scale.kind,
        "is_active": scale.is_active,
        "values": _values_snapshot(values),
    }


@transaction.atomic
def create_scale(*, by: User, title: str, values: list[ScaleValue]) -> GradingScale:
    """Add a scale of the organisation's own (kind «особая»: the standard kinds stay one of each,
    as attestation picks its scale by kind)."""
    access.require(by, "gradebook.add_gradingscale")
    scale = GradingScale(title=_check_scale_title(title), kind=GradingScale.Kind.CUSTOM)
    _check_scale_values(scale.kind, values)
    scale.save()
    for value in values:
        value.scale = scale
    ScaleValue.objects.bulk_create(values)
    audit.record(by=by, action=audit.Action.SCALE_CREATED, subject=scale, after=_scale_after(scale, values))
    return scale


@transaction.atomic
def update_scale(
    *, by: User, scale: GradingScale, title: str, is_active: bool, values: list[ScaleValue] | None = None
) -> GradingScale:
    """Rename a scale, put it in or out of use, and (while nothing was graded on it) change its
    values. Values of a used scale stand: changing them would change the meaning of the grades
    already given on it."""
    access.require(by, "gradebook.change_gradingscale")
    scale = GradingScale.objects.select_for_update().get(pk=scale.pk)
    current = list(scale.values.order_by("order"))
    before = _scale_after(scale, current)
    changes_values = values is not None and _values_snapshot(values) != _values_snapshot(current)
    if changes_values:
        used = scale_usage(scale)
        if used:
            graded = plural.count_with(
                used, "мероприятие или протокол", "мероприятия или протокола", "мероприятий или протоколов"
            )
            raise ValidationError(
                {
                    "values": f"По шкале «{scale.title}» уже оценено {graded}"
                    ": её значения менять нельзя — это изменило бы смысл выставленных оценок. "
                    "Можно переименовать шкалу, снять её с использования или добавить новую шкалу."
                }
            )
        _check_scale_values(scale.kind, values)
    scale.title = _check_scale_title(title, scale)
    scale.is_active = is_active
    scale.save(update_fields=["title", "is_active"])
    if changes_values:
        scale.values.all().delete()
        for value in values:
            value.pk, value.scale = None, scale
        ScaleValue.objects.bulk_create(values)
        current = values
    old, new = audit.changed(before, _scale_after(scale, current))
    if new:
        audit.record(by=by, action=audit.Action.SCALE_CHANGED, subject=scale, before=old, after=new)
    return scale
