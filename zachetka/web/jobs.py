"""Background jobs of the staff interface: a big learners file imported after its preview
(more than BACKGROUND_ROWS learners), all or nothing, with progress by rows."""

import datetime as dt
import io

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from zachetka.core import xlsx
from zachetka.jobs.progress import Progress
from zachetka.jobs.registry import Output, register
from zachetka.programs import services as program_services
from zachetka.programs.models import Group
from zachetka.web import import_check
from zachetka.web import importing as staging

LEARNER_IMPORT = "web.learner_import"
# A file with more learners than this is imported in the background; a smaller one at once.
BACKGROUND_ROWS = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GONE = "Загруженный файл уже удалён (импорт применён, отменён или устарел). Загрузите файл ещё раз."


def learner_import_title(staged: staging.StagedFile) -> str:
    return f"Импорт слушателей из файла {staged.filename}"


def learner_import_params(staged: staging.StagedFile) -> dict:
    """The job's parameters: the staged file as the session keeps it (plain JSON values)."""
    return staging.to_session(staged)


@register(LEARNER_IMPORT, permission="people.import_learners")
def learner_import(  # noqa: PLR0913 - the staged file's note, as the session kept it
    progress: Progress,
    user: User,
    *,
    token: str,
    filename: str,
    group_id: int | None,
    admission_order_number: str,
    admission_order_date: str,
    rows: int,
) -> Output:
    """Check the staged file again (the record may have changed since the preview) and import
    it, all or nothing; the staged file is deleted whatever the outcome. The file the job leaves
    is the report: each row of the file and what came of it."""
    staged = staging.StagedFile(
        token=token,
        filename=filename,
        group_id=group_id,
        admission_order_number=admission_order_number,
        admission_order_date=dt.date.fromisoformat(admission_order_date) if admission_order_date else None,
        rows=rows,
    )
    try:
        return _import(progress, user, staged)
    finally:
        staged.discard()


def _import(progress: Progress, user: User, staged: staging.StagedFile) -> Output:
    if not staged.exists():
        raise ValidationError(GONE)
    group = None
    if staged.group_id:
        group = Group.objects.visible_to(user).filter(pk=staged.group_id).first()
        if group is None:
            raise ValidationError("Группа не найдена или недоступна.")
    total = max(staged.rows, 1)

    def checked(row_number: int) -> None:  # the header is row 1
        done = min(row_number - 1, total)
        progress.step(done, 2 * total, f"проверка: строка {done} из {total}")

    def written(done: int, of: int) -> None:
        progress.step(total + done * total // max(of, 1), 2 * total, f"запись: строка {done} из {of}")

    progress.stage("чтение файла")
    planned, errors, file_error, _ = import_check.check(staged.filename, staged.read(), on_row=checked)
    if file_error:
        raise ValidationError(file_error)
    if errors:
        raise ValidationError(import_check.error_report(errors))
    outcome = program_services.import_learners(
        by=user,
        planned=planned,
        source=staged.filename,
        group=group,
        admission_order_number=staged.admission_order_number if group else "",
        admission_order_date=staged.admission_order_date if group else None,
        on_step=written,
    )
    progress.stage("отчёт об импорте")
    summary = import_check.outcome_summary(
        outcome, group, staged.admission_order_number, staged.admission_order_date
    )
    return Output(
        name=f"Итоги импорта {staged.filename}.xlsx",
        content_type=XLSX,
        content=_report(summary, import_check.rows_with_outcome(planned, outcome)),
        learner_ids=[learner.pk for learner in outcome.learners.learners],
    )


def _report(summary: str, rows: list[tuple]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = xlsx.sheet_title("Итоги импорта")
    xlsx.write(sheet, 1, 1, summary)
    for column, title in enumerate(("Строка файла", "Слушатель", "Итог"), start=1):
        xlsx.write(sheet, 3, column, title)
    for index, (row, learner, what) in enumerate(rows, start=4):
        xlsx.write_value(sheet, index, 1, row)
        xlsx.write(sheet, index, 2, learner.full_name)
        xlsx.write(sheet, index, 3, what)
    xlsx.fit_columns(sheet, first_row=3, header_row=3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
