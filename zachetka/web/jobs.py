"""Background jobs of the staff interface: a big learners file imported after its preview
(more than BACKGROUND_ROWS learners), all or nothing, with progress by rows; the learner list
with the page's filters as XLSX (3.9 s for 5,000 learners: bench/list_exports.py)."""

import datetime as dt
import io

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import QueryDict
from openpyxl import Workbook

from zachetka.core import access, list_export, plural, xlsx
from zachetka.jobs.progress import Progress
from zachetka.jobs.registry import Output, register
from zachetka.people import selectors as people_selectors
from zachetka.people.models import Learner
from zachetka.programs import selectors as program_selectors
from zachetka.programs import services as program_services
from zachetka.programs.models import Enrollment, Group
from zachetka.web import import_check
from zachetka.web import importing as staging

LEARNER_IMPORT = "web.learner_import"
LEARNER_LIST = "web.learner_list"
# The personal fields the learners' export may have a column for, in the order of its columns.
EXPORT_FIELDS = (
    ("birth_date", "Дата рождения"),
    ("snils", "СНИЛС"),
    ("citizenship", "Гражданство (ОКСМ)"),
    ("phone", "Телефон"),
    ("email", "Эл. почта"),
)
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
    # Told before the write transaction opens: on SQLite what the job writes inside it is seen
    # by the page only when it ends.
    progress.step(
        total,
        2 * total,
        f"запись: {plural.count_with(total, 'строка', 'строки', 'строк')} в базу",
        force=True,
    )
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


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def learner_filters(data: QueryDict) -> tuple[str, dict]:
    """The learner list's search and filters from its query string (the page and its export)."""
    query = data.get("q", "").strip()
    filters = {
        "group_id": _int_or_none(data.get("group")),
        "program_id": _int_or_none(data.get("program")),
        "status": data.get("status", "") if data.get("status") in Enrollment.Status.values else "",
        "sex": data.get("sex", "") if data.get("sex") in Learner.Sex.values else "",
    }
    return query, filters


@register(LEARNER_LIST, permission="people.view_learner")
def learner_list(progress: Progress, user: User, *, query: list) -> Output:
    """The learners with the list page's filters, personal columns as the page shows them."""
    search, filters = learner_filters(list_export.query_dict(query))
    learners = people_selectors.learner_list(user, query=search, **filters)
    reading = list_export.start_rows(progress, learners)
    everywhere = access.personal_fields_everywhere(user)
    fields = [(name, title) for name, title in EXPORT_FIELDS if name in everywhere]
    rows, learner_ids = [], []
    for number, learner in enumerate(reading, start=1):
        shown = access.visible_personal_fields(user, learner)
        values: dict[str, object] = {
            "birth_date": learner.birth_date,
            "snils": learner.snils_display,
            "citizenship": learner.citizenship,
            "phone": learner.phone,
            "email": learner.email,
        }
        rows.append(
            [
                number,
                learner.full_name,
                learner.get_sex_display(),
                *(values[name] if name in shown else None for name, _ in fields),
                learner.enrollment_count,
            ]
        )
        learner_ids.append(learner.pk)
    program, group = program_selectors.chosen_program_and_group(
        user, filters["program_id"], filters["group_id"]
    )
    described = [
        ("поиск", f"«{search}»" if search else ""),
        ("программа", f"«{program.title}»" if program else ""),
        ("группа", group.code if group else ""),
        ("статус обучения", Enrollment.Status(filters["status"]).label if filters["status"] else ""),
        ("пол", Learner.Sex(filters["sex"]).label if filters["sex"] else ""),
    ]
    content = list_export.workbook(
        title="Слушатели",
        filters=list_export.describe_filters(described),
        headers=["№", "Фамилия Имя Отчество", "Пол", *(title for _, title in fields), "Зачислений"],
        rows=rows,
        progress=progress,
    )
    return Output(
        name="Слушатели.xlsx",
        content_type=list_export.CONTENT_TYPE,
        content=content,
        learner_ids=learner_ids,
    )
