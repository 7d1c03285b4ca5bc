"""Checking a staged learners file and saying what came of it, in Russian: shared by the import
page (small files, at once) and the background import (big files)."""

from zachetka.core import grammar, plural
from zachetka.people import importing as learner_file
from zachetka.people.importing import PlannedRow, RowError
from zachetka.programs.models import Group
from zachetka.programs.services import GroupImportOutcome

# The most row errors a background import's report lists (the total is always given).
MAX_REPORTED_ERRORS = 200


def check(filename: str, content: bytes, *, on_row=None):  # noqa: ANN001, ANN201
    """Parse and plan; return (planned rows, errors, file-level error, ignored columns)."""
    try:
        parsed = learner_file.parse_learners_file(filename, content, on_row=on_row)
    except learner_file.ImportFileError as error:
        return None, [], str(error), []
    if parsed.errors:
        return None, parsed.errors, None, parsed.ignored_columns
    return learner_file.plan_import(parsed), [], None, parsed.ignored_columns


def error_summary(errors: list[RowError]) -> str:
    rows = len({error.row for error in errors})
    return (
        f"Найдено {plural.count_with(len(errors), 'ошибка', 'ошибки', 'ошибок')} "
        f"в {plural.count_with(rows, 'строке', 'строках', 'строках')}. "
        "Файл не загружен: исправьте и загрузите снова."
    )


def error_report(errors: list[RowError]) -> str:
    """The summary, then each error on its own line («строка 5, «СНИЛС»: …»)."""
    lines = [error_summary(errors), *(str(error) for error in errors[:MAX_REPORTED_ERRORS])]
    if len(errors) > MAX_REPORTED_ERRORS:
        lines.append(f"… и ещё {len(errors) - MAX_REPORTED_ERRORS}")
    return "\n".join(lines)


def outcome_summary(
    outcome: GroupImportOutcome, group: Group | None, order_number: str, order_date: object
) -> str:
    learners = outcome.learners
    summary = (
        "Импорт завершён: добавлено "
        f"{plural.count_with(len(learners.created), 'слушатель', 'слушателя', 'слушателей')}, "
        f"обновлено — {len(learners.updated)}, без изменений — {len(learners.unchanged)}."
    )
    if group:
        summary += f" Зачислено в группу {group.code}: {outcome.enrolled}"
        if order_number:
            summary += f" (приказ о зачислении № {order_number} от {order_date:%d.%m.%Y})"
        summary += "."
    return summary


def rows_with_outcome(planned: list[PlannedRow], outcome: GroupImportOutcome) -> list[tuple]:
    """(row of the file, learner, «добавлен» / «обновлён» / «без изменений») for each row."""
    created = iter(outcome.learners.created)
    known = {learner.pk: learner for learner in [*outcome.learners.updated, *outcome.learners.unchanged]}
    rows = []
    for item in planned:
        if item.is_new:
            learner = next(created)
            what = ("добавлен", "добавлена")
        else:
            learner = known[item.learner.pk]
            what = ("обновлён", "обновлена") if item.changes else ("без изменений", "без изменений")
        rows.append((item.row, learner, grammar.by_sex(learner.sex, *what)))
    return rows
