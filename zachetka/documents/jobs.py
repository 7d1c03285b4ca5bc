"""Background jobs of the documents app: a group's documents printed at once (one PDF, on the
blanks, or a ZIP of one PDF per document) — seconds of work for a group of 25 —, the registry
book with the page's filters (XLSX 9 s, PDF 316 s for 5,000 documents: bench/list_exports.py)
and the ФИС ФРДО export (about 23 s for 100,000 documents)."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from zachetka.core import list_export, plural
from zachetka.documents import export, frdo, pdf, selectors
from zachetka.documents.forms import registry_filter
from zachetka.documents.models import Document
from zachetka.jobs.progress import Progress
from zachetka.jobs.registry import Output, register
from zachetka.programs.models import Group

GROUP_PRINT = "documents.group_print"
REGISTRY = "documents.registry"
REGISTRY_FORMATS = {"xlsx": "XLSX", "pdf": "PDF для печати"}
FRDO_EXPORT = "documents.frdo_export"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
    return Output(
        name=name,
        content_type=content_type,
        content=content,
        learner_ids=[document.enrollment.learner_id for document in documents],
    )


def registry_title(chosen: dict, output_format: str) -> str:
    chosen_in_words = export.registry_subtitle(chosen)
    return f"Книга регистрации выданных документов ({chosen_in_words}) — {REGISTRY_FORMATS[output_format]}"


@register(REGISTRY, permission="documents.view_document")
def registry_export(progress: Progress, user: User, *, query: list, output_format: str) -> Output:
    """The registry book with the filters of the page's query string, as the page shows it."""
    if output_format not in REGISTRY_FORMATS:
        raise ValidationError("Неизвестный формат книги регистрации.")
    _, chosen = registry_filter(user, list_export.query_dict(query))
    documents = selectors.registry(user, **chosen)
    count = list_export.bounded_count(documents)
    learner_ids = list(documents.values_list("enrollment__learner_id", flat=True))
    name = "Книга регистрации выданных документов"
    if output_format == "pdf":
        # The layout (minutes for thousands of documents) is told page by page; its number of
        # pages is not known until it ends.
        content = export.registry_pdf(
            documents,
            chosen,
            on_row=lambda done: progress.step(done, count, f"чтение: документ {done} из {count}"),
            on_stage=progress.working,
        )
        return Output(
            name=f"{name}.pdf", content_type="application/pdf", content=content, learner_ids=learner_ids
        )
    content = export.registry_workbook(
        documents,
        chosen,
        on_row=lambda done: progress.step(done, 2 * count, f"чтение: документ {done} из {count}"),
        on_written=lambda done: progress.step(
            count + done, 2 * count, f"запись XLSX: строка {done} из {count}"
        ),
    )
    return Output(name=f"{name}.xlsx", content_type=XLSX, content=content, learner_ids=learner_ids)


def frdo_export_title(template_key: str, year: int, group: Group | None) -> str:
    where = f"группа {group.code}" if group else "все группы"
    return f"Выгрузка в ФИС ФРДО — шаблон {frdo.load(template_key).name}, {year}, {where}"


def refusal_message(refusal: frdo.FrdoRefused) -> str:
    """What a refused export's job says: how many errors, that nothing was marked, and each row."""
    more = refusal.total - len(refusal.problems)
    lines = [
        f"Выгрузка не выполнена: ошибок — {refusal.total}. Ничего не отмечено как выгруженное; "
        "исправьте сведения и запустите выгрузку снова.",
        *refusal.problems,
    ]
    if more > 0:
        lines.append(f"… и ещё {more}")
    return "\n".join(lines)


@register(FRDO_EXPORT, permission="documents.add_frdoexport")
def frdo_export(
    progress: Progress, user: User, *, template_key: str, year: int, group_id: int | None, only_new: bool
) -> Output:
    """The export, all or nothing as on the page: a refusal marks nothing and fails the job with
    its row-by-row report."""
    group = None
    if group_id is not None:
        group = Group.objects.visible_to(user).filter(pk=group_id).first()
        if group is None:
            raise ValidationError("Группа не найдена или недоступна.")
    progress.stage("отбор документов")
    try:
        # Read and written outside any transaction, so the page sees the rows go by (on SQLite
        # too); the marks are written with the job's success, in its transaction.
        prepared = frdo.prepare(
            by=user,
            template_key=template_key,
            year=year,
            group=group,
            only_new=only_new,
            on_step=progress.step,
        )
    except frdo.FrdoRefused as refusal:
        raise ValidationError(refusal_message(refusal), code="frdo_refused") from refusal
    rows = len(prepared.written)
    progress.step(
        rows,
        rows,
        f"запись отметок о выгрузке: {plural.count_with(rows, 'документ', 'документа', 'документов')}",
        force=True,
    )
    stored = frdo.store(prepared)
    return Output(
        name=prepared.file_name,
        content_type=XLSX,
        content=prepared.content,
        learner_ids=prepared.learner_ids,
        commit=lambda: frdo.record(prepared, by=user, stored=stored),
        discard=lambda: frdo.discard(stored),
    )
