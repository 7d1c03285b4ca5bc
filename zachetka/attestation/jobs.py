"""Background jobs of the attestation app: the consolidated statement of a big group as PDF or
XLSX (seconds for 300 learners)."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from zachetka.attestation import export, pdf, selectors
from zachetka.jobs.progress import Progress
from zachetka.jobs.registry import Output, register
from zachetka.programs.models import Group

SUMMARY = "attestation.summary"
FORMATS = {"pdf": "PDF", "xlsx": "XLSX"}


def summary_title(group: Group, output_format: str) -> str:
    return f"Сводная ведомость группы {group.code} — {FORMATS[output_format]}"


@register(SUMMARY, permission="attestation.view_protocol")
def summary(progress: Progress, user: User, *, group_id: int, output_format: str) -> Output:
    if output_format not in FORMATS:
        raise ValidationError("Неизвестный формат сводной ведомости.")
    progress.step(0, 2, "сбор результатов из подписанных протоколов", force=True)
    try:
        found = selectors.group_summary(user, group_id)
    except Group.DoesNotExist as missing:
        raise ValidationError("Группа не найдена или недоступна.") from missing
    learner_ids = [row.enrollment.learner_id for row in found.rows]
    if output_format == "pdf":
        progress.step(1, 2, f"вёрстка PDF: {len(found.rows)} слушателей", force=True)
        return Output(
            name=f"Сводная ведомость {found.group.code}.pdf",
            content_type="application/pdf",
            content=pdf.render_summary_pdf(found),
            learner_ids=learner_ids,
        )
    progress.step(1, 2, f"запись XLSX: {len(found.rows)} слушателей", force=True)
    return Output(
        name=f"Сводная ведомость {found.group.code}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        content=export.summary_workbook(found),
        learner_ids=learner_ids,
    )
