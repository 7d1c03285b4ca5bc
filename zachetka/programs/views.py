from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zachetka.accesslog import capture as accesslog
from zachetka.core import access, collation, grammar, list_export, plural
from zachetka.core.forms import add_service_errors
from zachetka.core.models import AuditEvent
from zachetka.gradebook import selectors as gradebook_selectors
from zachetka.people.models import Learner
from zachetka.programs import jobs as program_jobs
from zachetka.programs import selectors, services
from zachetka.programs.forms import (
    AssignmentForm,
    EnrollmentBatchForm,
    EnrollmentCreateForm,
    EnrollmentForm,
    GroupForm,
    ModuleForm,
    ProgramForm,
)
from zachetka.programs.models import Enrollment, Group, Module, Program, TeachingAssignment

PAGE_SIZE = 50


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _choice(value: str | None, choices: list[str]) -> str:
    return value if value in choices else ""


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# Programs and modules


def program_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    kind = _choice(request.GET.get("kind"), Program.Kind.values)
    active = _choice(request.GET.get("active"), ["1", "0"])
    programs = selectors.program_list(request.user, query=query, kind=kind, active=active)
    return render(
        request,
        "programs/program_list.html",
        {
            "page": Paginator(programs, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": query,
            "kind": kind,
            "active": active,
            "kinds": Program.Kind.choices,
            "may_add": access.may(request.user, "programs.add_program"),
            "querystring": _querystring_without_page(request),
        },
    )


def _get_program(request: HttpRequest, pk: int) -> Program:
    access.require(request.user, "programs.view_program")
    return get_object_or_404(Program.objects.visible_to(request.user), pk=pk)


def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = _get_program(request, pk)
    groups = (
        Group.objects.visible_to(request.user)
        .filter(program=program)
        .select_related("curator")
        .annotate(studying=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.STUDYING)))
    )
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "modules": program.modules.all(),
            "module_hours": sum(module.hours for module in program.modules.all()),
            "groups": groups,
            "curators": program.curators.order_by(*collation.collated("last_name", "first_name"), "pk"),
            "may_change": access.may(request.user, "programs.change_program"),
            "may_add_module": access.may(request.user, "programs.add_module"),
            "may_change_module": access.may(request.user, "programs.change_module"),
        },
    )


def program_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "programs.add_program")
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.create_program(
                by=request.user, curators=list(form.cleaned_data["curators"]), **form.program_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Программа «{program.title}» добавлена.")
            return redirect(program)
    return render(request, "programs/program_form.html", {"form": form, "program": None})


def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    program = _get_program(request, pk)
    access.require(request.user, "programs.change_program")
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_program(
                by=request.user,
                program=program,
                expected_version=form.cleaned_data["version"] or 0,
                curators=list(form.cleaned_data["curators"]),
                **form.program_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect(program)
    return render(request, "programs/program_form.html", {"form": form, "program": program})


def module_create(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = _get_program(request, program_pk)
    access.require(request.user, "programs.add_module")
    next_order = (program.modules.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    form = ModuleForm(request.POST or None, initial={"order": next_order})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_module(by=request.user, program=program, **form.module_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Модуль добавлен.")
            return redirect(program)
    return render(request, "programs/module_form.html", {"form": form, "program": program, "module": None})


def module_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "programs.view_module")
    module = get_object_or_404(
        Module.objects.select_related("program").filter(program__in=Program.objects.visible_to(request.user)),
        pk=pk,
    )
    access.require(request.user, "programs.change_module")
    form = ModuleForm(request.POST or None, instance=module)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_module(
                by=request.user,
                module=module,
                expected_version=form.cleaned_data["version"] or 0,
                **form.module_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Модуль сохранён.")
            return redirect(module.program)
    return render(
        request, "programs/module_form.html", {"form": form, "program": module.program, "module": module}
    )


# Groups and teaching assignments


def group_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    filters = {
        "program_id": _int_or_none(request.GET.get("program")),
        "year": _int_or_none(request.GET.get("year")),
        "curator_id": _int_or_none(request.GET.get("curator")),
    }
    groups = selectors.group_list(request.user, query=query, **filters)
    years = sorted(
        {d.year for d in Group.objects.visible_to(request.user).dates("starts_on", "year")}, reverse=True
    )
    return render(
        request,
        "programs/group_list.html",
        {
            "page": Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": query,
            "filters": filters,
            "years": years,
            "programs": Program.objects.visible_to(request.user),
            "curators": selectors.curators(),
            "may_add": access.may(request.user, "programs.add_group"),
            "querystring": _querystring_without_page(request),
        },
    )


def _get_group(request: HttpRequest, pk: int) -> Group:
    access.require(request.user, "programs.view_group")
    return get_object_or_404(
        Group.objects.visible_to(request.user).select_related("program", "curator"), pk=pk
    )


def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = _get_group(request, pk)
    status = _choice(request.GET.get("status"), Enrollment.Status.values)
    enrollments = group.enrollments.select_related("learner")
    if status:
        enrollments = enrollments.filter(status=status)
    counts = dict(group.enrollments.values_list("status").annotate(n=Count("pk")))
    may_assign = access.may(request.user, "programs.add_teachingassignment")
    # The gradebook's state per module, read through reverse relations (programs sits below it).
    may_view_grades = access.may(request.user, "gradebook.view_grade")
    results = None
    if may_view_grades:
        progress = gradebook_selectors.results_progress([group.pk])[group.pk]
        results = gradebook_selectors.results_chart(
            progress,
            title=f"Текущие оценки группы: внесено {progress.percent}% "
            f"({progress.filled} из {progress.expected})",
        )
    modules = group.program.modules.annotate(
        assessment_count=Count("assessments", filter=Q(assessments__group=group), distinct=True),
        is_locked=Count("gradebook_locks", filter=Q(gradebook_locks__group=group), distinct=True),
    ).order_by("order")
    return render(
        request,
        "programs/group_detail.html",
        {
            "group": group,
            "enrollments": enrollments.order_by(
                "learner__last_name", "learner__first_name", "learner__middle_name"
            ),
            "status": status,
            "status_counts": [
                (value, label, counts.get(value, 0)) for value, label in Enrollment.Status.choices
            ],
            "assignments": selectors.assignments_of(group),
            "modules": modules,
            "may_view_grades": may_view_grades,
            "results": results,
            "may_view_attestation": access.may(request.user, "attestation.view_academicdebt"),
            "assignment_form": AssignmentForm(group=group) if may_assign else None,
            "may_change": access.may(request.user, "programs.change_group"),
            "may_unassign": access.may(request.user, "programs.delete_teachingassignment"),
            "may_enroll": access.may(request.user, "programs.add_enrollment"),
            "may_change_enrollment": access.may(request.user, "programs.change_enrollment"),
            "batch_actions": services.BATCH_ACTIONS.items(),
        },
    )


def group_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "programs.add_group")
    form = GroupForm(request.POST or None, programs=Program.objects.visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            group = services.create_group(by=request.user, **form.group_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Группа {group.code} добавлена.")
            return redirect(group)
    return render(request, "programs/group_form.html", {"form": form, "group": None})


def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = _get_group(request, pk)
    access.require(request.user, "programs.change_group")
    form = GroupForm(request.POST or None, instance=group, programs=Program.objects.visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_group(
                by=request.user,
                group=group,
                expected_version=form.cleaned_data["version"] or 0,
                **form.group_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect(group)
    return render(request, "programs/group_form.html", {"form": form, "group": group})


@require_POST
def assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = _get_group(request, pk)
    access.require(request.user, "programs.add_teachingassignment")
    form = AssignmentForm(request.POST, group=group)
    if form.is_valid():
        try:
            services.assign_teacher(by=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Преподаватель назначен.")
    else:
        messages.error(request, "Выберите модуль и преподавателя.")
    return redirect(group)


@require_POST
def assignment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "programs.view_group")
    assignment = get_object_or_404(
        TeachingAssignment.objects.filter(group__in=Group.objects.visible_to(request.user)).select_related(
            "group", "teacher"
        ),
        pk=pk,
    )
    access.require(request.user, "programs.delete_teachingassignment")
    services.unassign_teacher(by=request.user, assignment=assignment)
    messages.success(request, "Назначение снято.")
    return redirect(assignment.group)


# Enrolments


def enrollment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Find learners by name or СНИЛС and admit one to the group."""
    group = _get_group(request, pk)
    access.require(request.user, "programs.add_enrollment")
    form = EnrollmentCreateForm(request.POST or None, initial={"funding": Enrollment.Funding.INDIVIDUAL})
    if request.method == "POST" and form.is_valid():
        learner = get_object_or_404(
            Learner.objects.visible_to(request.user), pk=form.cleaned_data["learner_id"]
        )
        data = {k: v for k, v in form.cleaned_data.items() if k != "learner_id"}
        try:
            services.enroll(by=request.user, learner=learner, group=group, **data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            enrolled = grammar.by_sex(learner.sex, "зачислен", "зачислена")
            messages.success(request, f"{learner.full_name} {enrolled} в группу {group.code}.")
            return redirect(group)
    query = request.GET.get("q", "").strip()
    found = []
    if query:
        found = (
            Learner.objects.visible_to(request.user)
            .search(query, by_snils="snils" in access.personal_fields_everywhere(request.user))
            .exclude(enrollments__group=group)
            .order_by("last_name", "first_name", "middle_name", "pk")[:30]
        )
    return render(
        request,
        "programs/enrollment_create.html",
        {"group": group, "form": form, "query": query, "found": found},
    )


def enrollment_list(request: HttpRequest) -> HttpResponse:
    query, filters = program_jobs.enrollment_filters(request.GET)
    enrollments = selectors.enrollment_list(request.user, query=query, **filters)
    page = Paginator(enrollments, PAGE_SIZE).get_page(request.GET.get("page"))
    accesslog.mark(request, (enrollment.learner_id for enrollment in page))
    return render(
        request,
        "programs/enrollment_list.html",
        {
            "page": page,
            "query": query,
            "filters": filters,
            "groups": Group.objects.visible_to(request.user).order_by("-starts_on", "code"),
            "programs": Program.objects.visible_to(request.user),
            "statuses": Enrollment.Status.choices,
            "fundings": Enrollment.Funding.choices,
            "may_change": access.may(request.user, "programs.change_enrollment"),
            "querystring": _querystring_without_page(request),
        },
    )


def enrollment_list_xlsx(request: HttpRequest) -> HttpResponse:
    """The enrolments list with the page's filters as XLSX, made by a job (seconds for
    thousands). A GET goes back to the list."""
    access.require(request.user, "programs.view_enrollment")
    return list_export.start_job(
        request,
        kind=program_jobs.ENROLLMENT_LIST,
        params={},
        title="Зачисления — XLSX",
        list_url=reverse("programs:enrollment_list"),
    )


def enrollment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "programs.view_enrollment")
    enrollment = get_object_or_404(
        Enrollment.objects.visible_to(request.user).select_related("learner", "group__program"), pk=pk
    )
    access.require(request.user, "programs.change_enrollment")
    form = EnrollmentForm(request.POST or None, instance=enrollment)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_enrollment(
                by=request.user,
                enrollment=enrollment,
                expected_version=form.cleaned_data["version"] or 0,
                reason=form.cleaned_data["reason"],
                **form.enrollment_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Зачисление сохранено.")
            return redirect(enrollment.group)
    return render(
        request,
        "programs/enrollment_form.html",
        {
            "form": form,
            "enrollment": enrollment,
            "history": AuditEvent.objects.about(enrollment)[:30].opened(),
        },
    )


def _chosen_enrollments(request: HttpRequest, group: Group) -> list[Enrollment]:
    """The enrolments ticked on the group's page; «выбрать всех» without JavaScript sends `all`,
    meaning everyone the page listed (with its status filter)."""
    enrollments = Enrollment.objects.visible_to(request.user).filter(group=group).select_related("learner")
    if request.POST.get("all") == "1":
        status = _choice(request.POST.get("status"), Enrollment.Status.values)
        if status:
            enrollments = enrollments.filter(status=status)
    else:
        ids = {int(value) for value in request.POST.getlist("enrollment") if value.isdigit()}
        enrollments = enrollments.filter(pk__in=ids)
    return list(
        enrollments.order_by("learner__last_name", "learner__first_name", "learner__middle_name", "pk")
    )


@require_POST
def enrollment_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """One action on the enrolments ticked on a group's page: first a page listing them with what
    the action needs (an order, a reason), then, confirmed, all of them changed or none."""
    group = _get_group(request, pk)
    access.require(request.user, "programs.change_enrollment")
    action = request.POST.get("action", "")
    if action not in services.BATCH_ACTIONS:
        messages.error(request, "Выберите действие для отмеченных слушателей.")
        return redirect(group)
    chosen = _chosen_enrollments(request, group)
    if not chosen:
        messages.error(request, "Отметьте слушателей, к которым применить действие.")
        return redirect(group)
    accesslog.mark(request, (enrollment.learner_id for enrollment in chosen))
    confirmed = request.POST.get("confirm") == "1"
    form = EnrollmentBatchForm(request.POST if confirmed else None, action=action)
    problems: list[str] = []
    if confirmed and form.is_valid():
        try:
            services.update_enrollments(
                by=request.user,
                group=group,
                enrollment_ids=[enrollment.pk for enrollment in chosen],
                reason=form.cleaned_data["reason"].strip(),
                **form.changes(),
            )
        except ValidationError as error:
            problems = error.messages
        else:
            count = plural.count_with(len(chosen), "зачисление", "зачисления", "зачислений")
            messages.success(request, f"{form.action_label}: изменено {count}.")
            return redirect(group)
    return render(
        request,
        "programs/enrollment_batch.html",
        {"group": group, "form": form, "action": action, "chosen": chosen, "problems": problems},
        status=422 if problems else 200,
    )
