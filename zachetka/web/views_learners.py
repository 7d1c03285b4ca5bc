"""Learner pages, which show a learner together with their enrolments: an interface page over
`people` and `programs`, so it lives here rather than in either of them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from zachetka.accesslog import capture as accesslog
from zachetka.core import access, list_export
from zachetka.core.models import AuditEvent
from zachetka.people import selectors
from zachetka.people.models import Learner
from zachetka.people.views import visible_learner
from zachetka.programs import selectors as program_selectors
from zachetka.programs.models import Enrollment, Group, Program


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _filters(request: HttpRequest) -> tuple[str, dict]:
    query = request.GET.get("q", "").strip()
    filters = {
        "group_id": _int_or_none(request.GET.get("group")),
        "program_id": _int_or_none(request.GET.get("program")),
        "status": request.GET.get("status", "")
        if request.GET.get("status") in Enrollment.Status.values
        else "",
        "sex": request.GET.get("sex", "") if request.GET.get("sex") in Learner.Sex.values else "",
    }
    return query, filters


def learner_list(request: HttpRequest) -> HttpResponse:
    query, filters = _filters(request)
    learners = selectors.learner_list(request.user, query=query, **filters)
    page = Paginator(learners, 50).get_page(request.GET.get("page"))
    accesslog.mark(request, (learner.pk for learner in page))
    return render(
        request,
        "web/learner_list.html",
        {
            "page": page,
            "query": query,
            "filters": filters,
            "groups": Group.objects.visible_to(request.user).order_by("-starts_on", "code"),
            "programs": Program.objects.visible_to(request.user),
            "statuses": Enrollment.Status.choices,
            "sexes": Learner.Sex.choices,
            "may_add": access.may(request.user, "people.add_learner"),
            "may_import": access.may(request.user, "people.import_learners"),
            "querystring": _querystring_without_page(request),
        },
    )


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def learner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    learner = visible_learner(request, pk)
    enrollments = (
        Enrollment.objects.visible_to(request.user).filter(learner=learner).select_related("group__program")
    )
    history = (
        AuditEvent.objects.about(learner)[:50].opened()
        if access.may(request.user, "people.change_learner")
        else []
    )
    return render(
        request,
        "web/learner_detail.html",
        {
            "learner": learner,
            "enrollments": enrollments,
            "history": history,
            "may_change": access.may(request.user, "people.change_learner"),
            "may_enroll": access.may(request.user, "programs.add_enrollment"),
        },
    )


# The personal fields the learners' export may have a column for, in the order of its columns.
EXPORT_FIELDS = (
    ("birth_date", "Дата рождения"),
    ("snils", "СНИЛС"),
    ("citizenship", "Гражданство (ОКСМ)"),
    ("phone", "Телефон"),
    ("email", "Эл. почта"),
)


def learner_list_xlsx(request: HttpRequest) -> HttpResponse:
    """The learner list with the page's filters as XLSX; personal columns as on the page."""
    query, filters = _filters(request)
    learners = selectors.learner_list(request.user, query=query, **filters)
    count = learners.count()
    if count > list_export.MAX_ROWS:
        messages.error(request, list_export.too_many_rows_message(count))
        return redirect(f"{reverse('web:learner_list')}?{_querystring_without_page(request)}")
    everywhere = access.personal_fields_everywhere(request.user)
    fields = [(name, title) for name, title in EXPORT_FIELDS if name in everywhere]
    rows = []
    shown_ids = []
    for number, learner in enumerate(learners, start=1):
        shown = access.visible_personal_fields(request.user, learner)
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
        shown_ids.append(learner.pk)
    accesslog.mark(request, shown_ids)
    content = list_export.workbook(
        title="Слушатели",
        filters=list_export.describe_filters(_described(request, query, filters)),
        headers=["№", "Фамилия Имя Отчество", "Пол", *(title for _, title in fields), "Зачислений"],
        rows=rows,
    )
    return list_export.attachment(content, "Слушатели.xlsx")


def _described(request: HttpRequest, query: str, filters: dict) -> list[tuple[str, str]]:
    """The filters in words, for the export's title row."""
    program, group = program_selectors.chosen_program_and_group(
        request.user, filters["program_id"], filters["group_id"]
    )
    return [
        ("поиск", f"«{query}»" if query else ""),
        ("программа", f"«{program.title}»" if program else ""),
        ("группа", group.code if group else ""),
        ("статус обучения", Enrollment.Status(filters["status"]).label if filters["status"] else ""),
        ("пол", Learner.Sex(filters["sex"]).label if filters["sex"] else ""),
    ]
