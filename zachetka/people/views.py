from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zachetka.core import access
from zachetka.core.forms import add_service_errors
from zachetka.core.models import AuditEvent
from zachetka.people import selectors, services
from zachetka.people.forms import LearnerForm
from zachetka.people.models import Learner
from zachetka.programs.models import Enrollment, Group, Program


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def learner_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    filters = {
        "group_id": _int_or_none(request.GET.get("group")),
        "program_id": _int_or_none(request.GET.get("program")),
        "status": request.GET.get("status", "")
        if request.GET.get("status") in Enrollment.Status.values
        else "",
        "sex": request.GET.get("sex", "") if request.GET.get("sex") in Learner.Sex.values else "",
    }
    learners = selectors.learner_list(request.user, query=query, **filters)
    page = Paginator(learners, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/learner_list.html",
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


def _get_learner(request: HttpRequest, pk: int) -> Learner:
    access.require(request.user, "people.view_learner")
    try:
        return selectors.learner_for(request.user, pk)
    except Learner.DoesNotExist as error:
        raise Http404("Слушатель не найден.") from error


def learner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    learner = _get_learner(request, pk)
    enrollments = (
        Enrollment.objects.visible_to(request.user).filter(learner=learner).select_related("group__program")
    )
    history = (
        AuditEvent.objects.about(learner)[:50] if access.may(request.user, "people.change_learner") else []
    )
    return render(
        request,
        "people/learner_detail.html",
        {
            "learner": learner,
            "enrollments": enrollments,
            "history": history,
            "may_change": access.may(request.user, "people.change_learner"),
            "may_enroll": access.may(request.user, "programs.add_enrollment"),
        },
    )


def learner_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "people.add_learner")
    form = LearnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            learner = services.create_learner(by=request.user, **form.learner_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Слушатель {learner.full_name} добавлен(а).")
            return redirect(learner)
    return render(request, "people/learner_form.html", {"form": form, "learner": None})


def learner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    learner = _get_learner(request, pk)
    access.require(request.user, "people.change_learner")
    form = LearnerForm(request.POST or None, instance=learner)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_learner(
                by=request.user,
                learner=learner,
                expected_version=form.cleaned_data["version"] or 0,
                reason=form.cleaned_data.get("reason", ""),
                **form.learner_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect(learner)
    return render(request, "people/learner_form.html", {"form": form, "learner": learner})
