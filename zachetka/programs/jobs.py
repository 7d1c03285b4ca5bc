"""Background jobs of the programs app: the enrolments list with the page's filters as XLSX
(6.7 s for 5,000 enrolments: bench/list_exports.py)."""

from django.contrib.auth.models import User
from django.http import QueryDict

from zachetka.core import list_export
from zachetka.jobs.progress import Progress
from zachetka.jobs.registry import Output, register
from zachetka.programs import selectors
from zachetka.programs.models import Enrollment

ENROLLMENT_LIST = "programs.enrollment_list"
ENROLLMENT_EXPORT_HEADERS = (
    "№",
    "Фамилия Имя Отчество",
    "Группа",
    "Программа",
    "Статус",
    "Источник финансирования",
    "№ приказа о зачислении",
    "Дата приказа о зачислении",
    "№ приказа об отчислении",
    "Дата приказа об отчислении",
    "Основание отчисления",
    "Дата завершения обучения",
    "№ приказа о завершении обучения",
    "Дата приказа о завершении обучения",
    "Итог обучения",
)


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _choice(value: str | None, choices: list[str]) -> str:
    return value if value in choices else ""


def enrollment_filters(data: QueryDict) -> tuple[str, dict]:
    """The enrolments list's search and filters from its query string (the page and its export)."""
    query = data.get("q", "").strip()
    filters = {
        "group_id": _int_or_none(data.get("group")),
        "program_id": _int_or_none(data.get("program")),
        "status": _choice(data.get("status"), Enrollment.Status.values),
        "funding": _choice(data.get("funding"), Enrollment.Funding.values),
    }
    return query, filters


@register(ENROLLMENT_LIST, permission="programs.view_enrollment")
def enrollment_list(progress: Progress, user: User, *, query: list) -> Output:
    """The enrolments with the list page's filters, as the page shows them."""
    search, filters = enrollment_filters(list_export.query_dict(query))
    enrollments = selectors.enrollment_list(user, query=search, **filters)
    reading = list_export.start_rows(progress, enrollments)
    rows, learner_ids = [], []
    for number, e in enumerate(reading, start=1):
        rows.append(
            [
                number,
                e.learner.full_name,
                e.group.code,
                e.group.program.title,
                e.status_label,
                e.get_funding_display(),
                e.admission_order_number,
                e.admission_order_date,
                e.expulsion_order_number,
                e.expulsion_order_date,
                e.expulsion_reason,
                e.completed_on,
                e.completion_order_number,
                e.completion_order_date,
                e.get_outcome_display(),
            ]
        )
        learner_ids.append(e.learner_id)
    program, group = selectors.chosen_program_and_group(user, filters["program_id"], filters["group_id"])
    described = [
        ("слушатель", f"«{search}»" if search else ""),
        ("программа", f"«{program.title}»" if program else ""),
        ("группа", group.code if group else ""),
        ("статус", Enrollment.Status(filters["status"]).label if filters["status"] else ""),
        ("финансирование", Enrollment.Funding(filters["funding"]).label if filters["funding"] else ""),
    ]
    content = list_export.workbook(
        title="Зачисления",
        filters=list_export.describe_filters(described),
        headers=ENROLLMENT_EXPORT_HEADERS,
        rows=rows,
        progress=progress,
    )
    return Output(
        name="Зачисления.xlsx",
        content_type=list_export.CONTENT_TYPE,
        content=content,
        learner_ids=learner_ids,
    )
