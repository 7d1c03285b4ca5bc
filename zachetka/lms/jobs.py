"""A big Moodle import confirmed in the background (more than BACKGROUND_CELLS cells to write):
the same checks and all-or-nothing write as at once, with progress by the file's learner rows.

The cells are checked first outside the write's transaction (progress «проверка: слушатель 12
из 300»), then written, checked again, in the transaction that marks the job done, so that a job cut off
meanwhile writes nothing and a written import is never a failed job (on SQLite what a
transaction writes is seen by others only when it ends: the write shows one stage, «запись
оценок», for its 2 s at 6,000 cells)."""

from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from zachetka.core import plural
from zachetka.jobs.progress import Progress
from zachetka.jobs.registry import Output, register
from zachetka.lms import moodle, selectors, services
from zachetka.lms.forms import ConfirmForm, MappingForm
from zachetka.programs.models import Group, Module
from zachetka.web import importing as staging
from zachetka.web.import_check import MAX_REPORTED_ERRORS

MOODLE_IMPORT = "lms.moodle_import"
# A confirmation writing more cells than this runs as a job. The write costs about 0.3 ms a cell
# on SQLite and 0.4 ms on PostgreSQL (bench/moodle_import.py: 6,000 cells in 2 s and 2.3 s), the
# reading, planning and checking of the file as much again: a thousand cells keep a
# confirmation under a second.
BACKGROUND_CELLS = 1000
# Progress units: the write takes about four times as long as the check of every cell.
_WRITE_WEIGHT = 4
GONE = "Загруженный файл уже удалён (импорт применён, отменён или устарел). Загрузите файл ещё раз."


def title(staged: staging.StagedFile, group: Group, module: Module) -> str:
    return f"Импорт оценок из Moodle ({staged.filename}) в журнал {group.code}, «{module.title}»"


def params(  # noqa: PLR0913 - what the confirmation carries
    staged: staging.StagedFile,
    group: Group,
    module: Module,
    mapping: dict[str, int | None],
    seen: str,
    overwrite: bool,
    reason: str,
) -> dict:
    """The job's parameters (plain JSON): identical confirmations make identical parameters, so
    the jobs app's request digest makes them one job."""
    return {
        "token": staged.token,
        "filename": staged.filename,
        "group_id": group.pk,
        "module_id": module.pk,
        "mapping": {key: value for key, value in mapping.items() if value},
        "seen": seen,
        "overwrite": overwrite,
        "reason": reason.strip(),
    }


def summary(filename: str, outcome: services.ImportOutcome) -> str:
    return (
        f"Импорт из «{filename}» выполнен: выставлено "
        f"{plural.count_with(outcome.entered, 'оценка', 'оценки', 'оценок')}, исправлено — "
        f"{outcome.corrected}, без изменений — {outcome.unchanged}."
    )


def refusal_report(refusal: services.ImportRefused) -> str:
    """The refusal's summary, then each error on its own line («строка 5, «Эссе 1 (Real)»: …»)."""
    errors = refusal.errors
    lines = [*refusal.messages, *(str(error) for error in errors[:MAX_REPORTED_ERRORS])]
    if len(errors) > MAX_REPORTED_ERRORS:
        lines.append(f"… и ещё {len(errors) - MAX_REPORTED_ERRORS}")
    return "\n".join(lines)


@register(MOODLE_IMPORT, permission="gradebook.add_grade")
def moodle_import(  # noqa: PLR0913 - the confirmation, as the view passed it
    progress: Progress,
    user: User,
    *,
    token: str,
    filename: str,
    group_id: int,
    module_id: int,
    mapping: dict[str, int],
    seen: str,
    overwrite: bool,
    reason: str,
) -> Output:
    """Plan the staged file again against the record as it is now and import it, all or nothing.
    The staged file is deleted once imported; a refused import keeps it, so that the preview
    (still in the person's session) can be corrected and confirmed again."""
    staged = staging.StagedFile(token=token, filename=filename, group_id=group_id)
    try:
        group, module = selectors.group_module(user, group_id, module_id)
    except (Group.DoesNotExist, Module.DoesNotExist) as missing:
        raise ValidationError("Журнал не найден или недоступен.") from missing
    if not selectors.may_import(user, group, module):
        raise PermissionDenied(
            "Импортировать оценки могут преподаватели этого модуля, куратор группы и учебная часть."
        )
    progress.stage("чтение файла")
    try:
        gradebook_file = moodle.read_gradebook(staged.filename, staged.read())
    except (FileNotFoundError, ValueError) as gone:
        raise ValidationError(GONE) from gone
    except moodle.MoodleFileError as error:
        raise ValidationError(str(error)) from error
    try:
        seen_versions = {str(key): int(value) for key, value in ConfirmForm.unsign_seen(seen).items()}
    except signing.BadSignature as error:
        raise ValidationError("Предпросмотр повреждён: откройте его заново.") from error
    assessments = selectors.assessments(user, group, module)
    data = {column.key: str(mapping.get(column.key) or "") for column in gradebook_file.columns}
    form = MappingForm(data, columns=gradebook_file.columns, assessments=assessments)
    if not form.is_valid():
        raise ValidationError("Сопоставление столбцов устарело: откройте предпросмотр заново.")
    progress.stage("сопоставление слушателей и оценок")
    plan = selectors.plan(group, gradebook_file, form.mapping(), assessments)
    rows = len({cell.row for cell in plan.to_write}) or 1
    total = rows * (1 + _WRITE_WEIGHT)

    def checked(done: int, of: int) -> None:
        progress.step(done, total, f"проверка: слушатель {done} из {of}")

    def writing() -> None:
        cells = plural.count_with(len(plan.to_write), "оценки", "оценок", "оценок")
        progress.step(rows, total, f"запись {cells} в журнал", force=True)

    try:
        services.check_confirmation(
            by=user, group=group, module=module, plan=plan, seen_versions=seen_versions, overwrite=overwrite
        )
        services.check_cells(
            by=user, plan=plan, seen_versions=seen_versions, reason=reason, on_checked=checked
        )
    except services.ImportRefused as refusal:
        raise ValidationError(refusal_report(refusal)) from refusal
    writing()

    def write() -> None:
        """Run in the transaction that marks the job done (jobs.services._finish): a job cut off
        meanwhile writes no grade, and a written import is never a failed job. The cells are
        checked again as they are written."""
        try:
            services.import_grades(
                by=user,
                group=group,
                module=module,
                plan=plan,
                seen_versions=seen_versions,
                overwrite=overwrite,
                reason=reason,
                source=staged.filename,
            )
        except services.ImportRefused as refusal:
            raise ValidationError(refusal_report(refusal)) from refusal
        transaction.on_commit(staged.discard)

    outcome = services.outcome_of(plan)
    return Output(
        name="",
        content_type="",
        content=b"",
        commit=write,
        summary=summary(staged.filename, outcome),
        link_url=reverse("gradebook:grid", args=[group.pk, module.pk]),
        link_text="Открыть журнал",
    )
