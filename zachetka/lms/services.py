"""Importing a Moodle gradebook export: every grade through the gradebook's own save, all or nothing."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zachetka.core import audit, plural
from zachetka.gradebook import services as gradebook
from zachetka.lms import selectors
from zachetka.lms.moodle import Plan, PlannedCell, RowError
from zachetka.programs.models import Group, Module


class ImportRefused(ValidationError):
    """Nothing was imported; `errors` names each row and column that stopped it."""

    def __init__(self, errors: list[RowError]) -> None:
        rows = len({error.row for error in errors})
        summary = (
            f"Оценки не импортированы: {plural.count_with(len(errors), 'ошибка', 'ошибки', 'ошибок')} "
            f"в {plural.count_with(rows, 'строке', 'строках', 'строках')} файла. "
            "Ни одна оценка не записана: исправьте файл или сопоставление и повторите."
        )
        super().__init__(summary, code="refused")
        self.errors = errors


@dataclass(frozen=True)
class ImportOutcome:
    entered: int
    corrected: int
    unchanged: int


def _reason_for(cell: PlannedCell, reason: str) -> str:
    # A reason explains a correction, or any entry into a closed gradebook; a first grade
    # entered on time needs none, and its history would only repeat the import's note.
    if cell.is_change or cell.assessment.gradebook_locked:
        return reason
    return ""


def _changed_since_preview(cell: PlannedCell, value_now: str) -> RowError:
    return RowError(
        cell.row,
        cell.column.header,
        f"оценку изменили после предпросмотра (сейчас «{value_now or 'пусто'}»): "
        "проверьте обновлённый предпросмотр и подтвердите снова",
    )


@transaction.atomic
def import_grades(
    *,
    by: User,
    group: Group,
    module: Module,
    plan: Plan,
    seen_versions: dict[str, int],
    overwrite: bool,
    reason: str,
    source: str,
) -> ImportOutcome:
    """Write a planned Moodle import into a group's module, refusing all of it if any cell fails.

    Each cell goes through `gradebook.services.record_grade`, so it meets the grid's checks
    (who may grade, the closed gradebook, the reason after the deadline, the version the
    preview showed); an error in any row undoes every cell already written."""
    if not selectors.may_import(by, group, module):
        raise PermissionDenied(
            "Импортировать оценки могут преподаватели этого модуля, куратор группы и учебная часть."
        )
    if plan.errors:
        raise ImportRefused(plan.errors)
    stale = [cell for cell in plan.to_write if seen_versions.get(cell.key, -1) != cell.version]
    if stale:
        raise ImportRefused([_changed_since_preview(cell, cell.old_value) for cell in stale])
    if plan.changes and not overwrite:
        changed = plural.count_with(
            len(plan.changes), "выставленную оценку", "выставленные оценки", "выставленных оценок"
        )
        raise ValidationError(f"Файл меняет {changed}: подтвердите перезапись.")
    reason = reason.strip()
    errors: list[RowError] = []
    for cell in plan.to_write:
        try:
            gradebook.record_grade(
                by=by,
                assessment=cell.assessment,
                enrollment=cell.enrollment,
                text=cell.value,
                expected_version=seen_versions.get(cell.key, -1),
                reason=_reason_for(cell, reason),
            )
        except gradebook.GradeConflict as conflict:  # changed in the moment since it was planned
            errors.append(_changed_since_preview(cell, conflict.grade.value if conflict.grade else ""))
        except (ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            errors.append(RowError(cell.row, cell.column.header, " ".join(messages)))
    if errors:
        # Raising undoes the transaction: the cells saved before the first error are not kept.
        raise ImportRefused(errors)
    outcome = ImportOutcome(entered=len(plan.new), corrected=len(plan.changes), unchanged=len(plan.unchanged))
    audit.record(
        by=by,
        action=audit.Action.GRADES_IMPORTED,
        subject=group,
        extra={
            "source": source,
            "module": module.pk,
            "created": outcome.entered,
            "updated": outcome.corrected,
            "unchanged": outcome.unchanged,
            "learners": len(plan.rows),
        },
        reason=reason if plan.changes else "",
    )
    return outcome
