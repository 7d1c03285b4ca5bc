"""Importing a Moodle gradebook export: every grade through the gradebook's own save, all or nothing."""

from collections.abc import Callable
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


def _writes(plan: Plan, seen_versions: dict[str, int], reason: str) -> list[gradebook.CellWrite]:
    return [
        gradebook.CellWrite(
            assessment=cell.assessment,
            enrollment=cell.enrollment,
            text=cell.value,
            expected_version=seen_versions.get(cell.key, -1),
            reason=_reason_for(cell, reason),
        )
        for cell in plan.to_write
    ]


def _row_errors(cells: list[PlannedCell], failures: list[tuple[int, Exception]]) -> list[RowError]:
    errors = []
    for index, error in failures:
        cell = cells[index]
        if isinstance(error, gradebook.GradeConflict):  # changed in the moment since it was planned
            errors.append(_changed_since_preview(cell, error.grade.value if error.grade else ""))
        else:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            errors.append(RowError(cell.row, cell.column.header, " ".join(messages)))
    return errors


NOTHING_TO_IMPORT = "Все оценки файла уже в журнале: импортировать нечего."


def check_confirmation(
    *, by: User, group: Group, module: Module, plan: Plan, seen_versions: dict[str, int], overwrite: bool
) -> None:
    """What refuses a confirmation before any cell is looked at: the right to import, the plan's
    own errors, a cell changed since the preview, a correction not confirmed."""
    if not selectors.may_import(by, group, module):
        raise PermissionDenied(
            "Импортировать оценки могут преподаватели этого модуля, куратор группы и учебная часть."
        )
    if plan.errors:
        raise ImportRefused(plan.errors)
    if not plan.to_write:
        # As the preview says: a confirmation sent again after its import was written finds
        # every grade already in the gradebook, and must not record a second, empty import.
        raise ValidationError(NOTHING_TO_IMPORT)
    stale = [cell for cell in plan.to_write if seen_versions.get(cell.key, -1) != cell.version]
    if stale:
        raise ImportRefused([_changed_since_preview(cell, cell.old_value) for cell in stale])
    if plan.changes and not overwrite:
        changed = plural.count_with(
            len(plan.changes), "выставленную оценку", "выставленные оценки", "выставленных оценок"
        )
        raise ValidationError(f"Файл меняет {changed}: подтвердите перезапись.")


def import_grades(  # noqa: PLR0913 - what the confirmation carries
    *,
    by: User,
    group: Group,
    module: Module,
    plan: Plan,
    seen_versions: dict[str, int],
    overwrite: bool,
    reason: str,
    source: str,
    on_checked: Callable[[int, int], None] | None = None,
    on_writing: Callable[[], None] | None = None,
) -> ImportOutcome:
    """Write a planned Moodle import into a group's module, refusing all of it if any cell fails.

    Every cell meets the checks of the grid's save (`gradebook.services.record_grades`: who may
    grade, the closed gradebook, the reason after the deadline, the version the preview showed);
    an error in any row writes nothing. With `on_checked(learner rows checked, rows in all)` (a
    background import), the cells are first checked outside the write's transaction, so that the
    progress is seen as it goes (on SQLite a transaction's own writes, the progress among them,
    are seen by others only when it ends), then checked again as they are written."""
    check_confirmation(
        by=by, group=group, module=module, plan=plan, seen_versions=seen_versions, overwrite=overwrite
    )
    reason = reason.strip()
    if on_checked is not None:
        check_cells(by=by, plan=plan, seen_versions=seen_versions, reason=reason, on_checked=on_checked)
    if on_writing is not None:
        on_writing()
    return _write(
        by=by,
        group=group,
        module=module,
        plan=plan,
        writes=_writes(plan, seen_versions, reason),
        reason=reason,
        source=source,
    )


def check_cells(
    *,
    by: User,
    plan: Plan,
    seen_versions: dict[str, int],
    reason: str,
    on_checked: Callable[[int, int], None] | None = None,
) -> None:
    """Every cell's checks as the record stands now, writing nothing (ImportRefused names each
    refused cell); `on_checked(learner rows checked, rows in all)` is told as it goes."""
    cells = plan.to_write
    rows = len({cell.row for cell in cells})
    rows_before = _rows_before(cells)

    reported = [0]

    def checked(done: int) -> None:  # told once a learner row is finished
        if on_checked is not None and rows_before[done - 1] != reported[0]:
            reported[0] = rows_before[done - 1]
            on_checked(reported[0], rows)

    failures = gradebook.check_grades(
        by=by, writes=_writes(plan, seen_versions, reason.strip()), on_step=checked
    )
    if failures:
        raise ImportRefused(_row_errors(cells, failures))


def outcome_of(plan: Plan) -> ImportOutcome:
    """What writing `plan` enters, corrects and leaves as it is."""
    return ImportOutcome(entered=len(plan.new), corrected=len(plan.changes), unchanged=len(plan.unchanged))


def _rows_before(cells: list[PlannedCell]) -> list[int]:
    """For each cell (in the plan's order, row by row), the learner rows finished with it."""
    counts, rows, previous = [], 0, None
    for index, cell in enumerate(cells):
        if cell.row != previous:
            previous = cell.row
            rows += 1
        last_of_row = index + 1 == len(cells) or cells[index + 1].row != cell.row
        counts.append(rows if last_of_row else rows - 1)
    return counts


@transaction.atomic
def _write(  # noqa: PLR0913
    *,
    by: User,
    group: Group,
    module: Module,
    plan: Plan,
    writes: list[gradebook.CellWrite],
    reason: str,
    source: str,
) -> ImportOutcome:
    try:
        gradebook.record_grades(by=by, writes=writes)
    except gradebook.CellsRefused as refused:
        raise ImportRefused(_row_errors(plan.to_write, refused.failures)) from refused
    outcome = outcome_of(plan)
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
