"""Learner pages, which show a learner together with their enrolments: an interface page over
`people` and `programs`, so it lives here rather than in either of them."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from zachetka.accesslog import capture as accesslog
from zachetka.core import access, list_export
from zachetka.core.models import AuditEvent
from zachetka.people import selectors
from zachetka.people.models import Learner
from zachetka.people.views import visible_learner
from zachetka.programs.models import Enrollment, Group, Program
from zachetka.web import jobs as web_jobs


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def learner_list(request: HttpRequest) -> HttpResponse:
    query, filters = web_jobs.learner_filters(request.GET)
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


def learner_list_xlsx(request: HttpRequest) -> HttpResponse:
    """The learner list with the page's filters as XLSX (personal columns as on the page), made
    by a job (seconds for thousands). A GET goes back to the list."""
    access.require(request.user, "people.view_learner")
    return list_export.start_job(
        request,
        kind=web_jobs.LEARNER_LIST,
        params={},
        title="Слушатели — XLSX",
        list_url=reverse("web:learner_list"),
    )
