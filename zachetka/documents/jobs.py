"""Background jobs of the documents app: a group's documents printed at once (one PDF, on the
blanks, or a ZIP of one PDF per document) — seconds of work for a group of 25."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from zachetka.documents import pdf, selectors
from zachetka.documents.models import Document
from zachetka.jobs.progress import Progress
from zachetka.jobs.registry import Output, register
from zachetka.programs.models import Group

GROUP_PRINT = "documents.group_print"
FORMATS = {
    "pdf": "одним PDF",
    "blank": "на бланки (PDF)",
    "zip": "ZIP по файлам",
}


def group_print_title(group: Group, output_format: str) -> str:
    return f"Документы группы {group.code} — {FORMATS[output_format]}"


@register(GROUP_PRINT, permission="documents.view_document")
def group_print(progress: Progress, user: User, *, group_id: int, output_format: str) -> Output:
    group = Group.objects.visible_to(user).filter(pk=group_id).first()
    if group is None:
        raise ValidationError("Группа не найдена или недоступна.")
    if output_format not in FORMATS:
        raise ValidationError("Неизвестный вид печати.")
    documents = list(
        selectors.registry(user, group_id=group.pk)
        .filter(state=Document.State.VALID)
        .select_related("enrollment__learner", "enrollment__group__program")
    )
    if not documents:
        raise ValidationError("В группе нет действующих документов.")
    blank = output_format == "blank"
    if output_format == "zip":
        content = pdf.render_zip(documents, on_step=progress.step)
        name, content_type = f"Документы {group.code}.zip", "application/zip"
    else:
        content = pdf.render_pdf(documents, blank=blank, on_step=progress.step)
        name = f"Документы {group.code}{' (бланки)' if blank else ''}.pdf"
        content_type = "application/pdf"
    progress.step(len(documents), len(documents), "файл готов", force=True)
    return Output(
        name=name,
        content_type=content_type,
        content=content,
        learner_ids=[document.enrollment.learner_id for document in documents],
    )
