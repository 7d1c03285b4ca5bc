"""Background jobs of the attestation app: the consolidated statement of a big group as PDF or
XLSX (seconds for 300 learners), and the list of open academic debts as XLSX (5.4 s for 5,000
debts: bench/list_exports.py)."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from zachetka.attestation import export, pdf, selectors
from zachetka.core import list_export
from zachetka.jobs.progress import Progress
from zachetka.jobs.registry import Output, register
from zachetka.programs.models import Group

SUMMARY = "attestation.summary"
FORMATS = {"pdf": "PDF", "xlsx": "XLSX"}
DEBT_LIST = "attestation.debt_list"


def summary_title(group: Group, output_format: str) -> str:
    return f"Сводная ведомость группы {group.code} — {FORMATS[output_format]}"


@register(SUMMARY, permission="attestation.view_protocol")
def summary(progress: Progress, user: User, *, group_id: int, output_format: str) -> Output:
    if output_format not in FORMATS:
        raise ValidationError("Неизвестный формат сводной ведомости.")
    progress.working("сбор результатов из подписанных протоколов")
    try:
        found = selectors.group_summary(user, group_id)
    except Group.DoesNotExist as missing:
        raise ValidationError("Группа не найдена или недоступна.") from missing
    learner_ids = [row.enrollment.learner_id for row in found.rows]
    count = len(found.rows)
    if output_format == "pdf":
        return Output(
            name=f"Сводная ведомость {found.group.code}.pdf",
            content_type="application/pdf",
            content=pdf.render_summary_pdf(found, on_stage=progress.working),
            learner_ids=learner_ids,
        )
    content = export.summary_workbook(
        found, on_row=lambda done: progress.step(done, count, f"запись XLSX: слушатель {done} из {count}")
    )
    return Output(
        name=f"Сводная ведомость {found.group.code}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        content=content,
        learner_ids=learner_ids,
    )


def debt_list_title(overdue_only: bool) -> str:
    return f"Академические задолженности ({'только с истёкшим сроком' if overdue_only else 'все'}) — XLSX"


@register(DEBT_LIST, permission="attestation.view_academicdebt")
def debt_list(progress: Progress, user: User, *, query: list) -> Output:
    """The open debts with the list page's filter, as the page shows them."""
    overdue_only = list_export.query_dict(query).get("overdue") == "1"
    today = timezone.localdate()
    debts = selectors.open_debts(user, overdue_only=overdue_only, today=today)
    reading = list_export.start_rows(progress, debts)
    rows, learner_ids = [], []
    for number, debt in enumerate(reading, start=1):
        rows.append(
            [
                number,
                debt.enrollment.learner.full_name,
                debt.enrollment.group.code,
                f"{debt.module.order}. {debt.module.title}",
                f"№ {debt.arisen_from.number}",
                debt.arisen_from.held_on,
                debt.due_on,
                "да" if debt.due_on < today else "нет",
            ]
        )
        learner_ids.append(debt.enrollment.learner_id)
    chosen = "только с истёкшим сроком" if overdue_only else "все не ликвидированные"
    content = list_export.workbook(
        title="Академические задолженности",
        filters=list_export.describe_filters([("задолженности", chosen)]) + f" (на {today:%d.%m.%Y})",
        headers=[
            "№",
            "Фамилия Имя Отчество",
            "Группа",
            "Модуль",
            "Протокол",
            "Дата протокола",
            "Ликвидировать до",
            "Срок истёк",
        ],
        rows=rows,
        progress=progress,
    )
    return Output(
        name="Академические задолженности.xlsx",
        content_type=list_export.CONTENT_TYPE,
        content=content,
        learner_ids=learner_ids,
    )
