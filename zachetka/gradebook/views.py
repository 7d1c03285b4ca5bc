import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from zachetka.accesslog import capture as accesslog
from zachetka.core import access, names, plural
from zachetka.core.forms import add_service_errors
from zachetka.gradebook import grid as grid_html
from zachetka.gradebook import jobs as gradebook_jobs
from zachetka.gradebook import selectors, services
from zachetka.gradebook.forms import AssessmentForm, ColumnFillForm, ReasonForm
from zachetka.gradebook.models import Assessment, Grade
from zachetka.jobs import services as jobs
from zachetka.programs.models import Enrollment, Group, Module


def _group_module(request: HttpRequest, group_pk: int, module_pk: int) -> tuple[Group, Module]:
    access.require(request.user, "gradebook.view_grade")
    try:
        return selectors.module_for_group(request.user, group_pk, module_pk)
    except (Group.DoesNotExist, Module.DoesNotExist) as error:
        raise Http404("Журнал не найден.") from error


def _grid_url(group_pk: int, module_pk: int) -> str:
    return reverse("gradebook:grid", args=[group_pk, module_pk])


def grid(request: HttpRequest, group_pk: int, module_pk: int) -> HttpResponse:
    group, module = _group_module(request, group_pk, module_pk)
    data = selectors.compact_grid(request.user, group, module)
    editable = not data.is_read_only
    return render(
        request,
        "gradebook/grid.html",
        {
            "grid": data,
            "group": group,
            "module": module,
            "payload": grid_html.payload(data, editable=editable, may_fill=editable and not data.lock),
            "editable": editable,
            "modules": group.program.modules.all(),
            "may_lock": access.may(request.user, "gradebook.add_gradebooklock"),
            "learner_count": plural.count_with(len(data.enrollments), "слушатель", "слушателя", "слушателей"),
        },
    )


def grid_print(request: HttpRequest, group_pk: int, module_pk: int) -> HttpResponse:
    group, module = _group_module(request, group_pk, module_pk)
    data = selectors.grid(request.user, group, module)
    return render(
        request,
        "gradebook/grid_print.html",
        {
            "grid": data,
            "group": group,
            "module": module,
            "head": grid_html.render_head(data, editable=False),
            "body": grid_html.render_body(data, editable=False),
        },
    )


def _cell_json(grade: Grade | None, result: int | None) -> dict:
    if grade is None:
        return {
            "value": "",
            "version": 0,
            "by": "",
            "at": "",
            "result": "" if result is None else str(result),
            "passing": False,
            "absent": False,
        }
    return {
        "value": grade.value,
        "version": grade.version,
        "by": names.user_full_name(grade.entered_by),
        "by_id": grade.entered_by_id,
        "at": int(grade.entered_at.timestamp()),
        "passing": grade.is_passing,
        "absent": grade.is_absent,
        "result": "" if result is None else str(result),
    }


@require_POST
def cell_save(request: HttpRequest) -> JsonResponse:
    """Save one cell typed in the grid; answers JSON the page shows in place."""
    access.require(request.user, "gradebook.add_grade")
    try:
        payload = json.loads(request.body or b"{}")
        assessment_pk, enrollment_pk = int(payload["assessment"]), int(payload["enrollment"])
        version = int(payload.get("version") or 0)
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "Некорректный запрос."}, status=400)
    try:
        assessment, enrollment, audit_head = selectors.cell_to_save(
            request.user, assessment_pk, enrollment_pk
        )
    except Assessment.DoesNotExist as error:
        raise Http404("Мероприятие не найдено.") from error
    except Enrollment.DoesNotExist as error:
        raise Http404("Слушатель не найден в этой группе.") from error
    try:
        grade = services.record_grade(
            by=request.user,
            assessment=assessment,
            enrollment=enrollment,
            text=str(payload.get("value", "")),
            expected_version=version,
            reason=str(payload.get("reason", ""))[:1000],
            audit_head=audit_head,
        )
    except services.GradeConflict as conflict:
        return JsonResponse(
            {"error": conflict.messages[0], "code": "conflict", "cell": _cell_json(conflict.grade, None)},
            status=409,
        )
    except services.ReasonRequired as error:
        return JsonResponse({"error": error.messages[0], "code": "reason_required"}, status=428)
    except PermissionDenied as error:
        return JsonResponse({"error": str(error) or "Недостаточно прав.", "code": "forbidden"}, status=403)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages), "code": "invalid"}, status=400)
    return JsonResponse(_cell_json(grade, selectors.row_result_after_save(assessment, enrollment, grade)))


@require_GET
def cell_history(request: HttpRequest) -> JsonResponse:
    access.require(request.user, "gradebook.view_grade")
    try:
        changes = selectors.cell_history(
            request.user, int(request.GET.get("assessment", "")), int(request.GET.get("enrollment", ""))
        )
    except (ValueError, Assessment.DoesNotExist) as error:
        raise Http404("Ячейка не найдена.") from error
    accesslog.mark(
        request, Enrollment.objects.filter(pk=request.GET["enrollment"]).values_list("learner_id", flat=True)
    )
    return JsonResponse(
        {
            "changes": [
                {
                    "old": change.old_value,
                    "new": change.new_value,
                    "by": names.user_full_name(change.changed_by),
                    "at": int(change.changed_at.timestamp()),
                    "reason": change.reason,
                }
                for change in changes
            ]
        }
    )


def assessment_create(request: HttpRequest, group_pk: int, module_pk: int) -> HttpResponse:
    group, module = _group_module(request, group_pk, module_pk)
    access.require(request.user, "gradebook.add_assessment")
    if not access.may_grade(request.user, group.pk, module.pk):
        raise PermissionDenied("Мероприятия добавляют преподаватели этого модуля, куратор и учебная часть.")
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_assessment(
                by=request.user, group=group, module=module, **form.assessment_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Мероприятие добавлено в журнал.")
            return redirect(_grid_url(group.pk, module.pk))
    return render(request, "gradebook/assessment_form.html", {"form": form, "group": group, "module": module})


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    access.require(request.user, "gradebook.view_assessment")
    assessment = get_object_or_404(
        Assessment.objects.visible_to(request.user).select_related("group__program", "module", "scale"), pk=pk
    )
    if not access.may_grade(request.user, assessment.group_id, assessment.module_id):
        raise PermissionDenied(
            "Менять мероприятие могут преподаватели этого модуля, куратор и учебная часть."
        )
    return assessment


def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    access.require(request.user, "gradebook.change_assessment")
    form = AssessmentForm(request.POST or None, instance=assessment)
    if request.method == "POST" and form.is_valid():
        fields = form.assessment_fields()
        fields["due_on"] = fields["due_on"] or services.default_due_on(fields["held_on"])
        try:
            services.update_assessment(
                by=request.user,
                assessment=assessment,
                expected_version=form.cleaned_data["version"] or 0,
                **fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Мероприятие сохранено.")
            return redirect(_grid_url(assessment.group_id, assessment.module_id))
    return render(
        request,
        "gradebook/assessment_form.html",
        {
            "form": form,
            "group": assessment.group,
            "module": assessment.module,
            "assessment": assessment,
        },
    )


@require_POST
def assessment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    access.require(request.user, "gradebook.delete_assessment")
    try:
        services.delete_assessment(by=request.user, assessment=assessment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Мероприятие удалено.")
    return redirect(_grid_url(assessment.group_id, assessment.module_id))


@require_POST
def column_fill(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    form = ColumnFillForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите значение для заполнения столбца.")
    else:
        try:
            filled = services.fill_column(
                by=request.user, assessment=assessment, text=form.cleaned_data["value"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, f"Заполнено: {plural.count_with(filled, 'ячейка', 'ячейки', 'ячеек')}.")
    return redirect(_grid_url(assessment.group_id, assessment.module_id))


def _change_lock(request: HttpRequest, group_pk: int, module_pk: int, *, lock: bool) -> HttpResponse:
    group, module = _group_module(request, group_pk, module_pk)
    access.require(request.user, "gradebook.add_gradebooklock" if lock else "gradebook.delete_gradebooklock")
    form = ReasonForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    change = services.lock_gradebook if lock else services.unlock_gradebook
    try:
        change(by=request.user, group=group, module=module, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "Журнал модуля закрыт: текущие оценки теперь исправляет только администрация."
            if lock
            else "Журнал модуля снова открыт.",
        )
    return redirect(_grid_url(group.pk, module.pk))


@require_POST
def gradebook_lock(request: HttpRequest, group_pk: int, module_pk: int) -> HttpResponse:
    return _change_lock(request, group_pk, module_pk, lock=True)


@require_POST
def gradebook_unlock(request: HttpRequest, group_pk: int, module_pk: int) -> HttpResponse:
    return _change_lock(request, group_pk, module_pk, lock=False)


def group_export(request: HttpRequest, group_pk: int) -> HttpResponse:
    """The old address of the group's gradebook XLSX: it is made by a job started from the
    group's page (a POST), never by a GET."""
    return redirect("programs:group_detail", pk=group_pk)


@require_POST
def group_export_job(request: HttpRequest, group_pk: int) -> HttpResponse:
    """The group's whole gradebook as XLSX in the background; the job page shows progress."""
    access.require(request.user, "gradebook.view_grade")
    group = get_object_or_404(Group.objects.visible_to(request.user), pk=group_pk)
    job = jobs.start(
        by=request.user,
        kind=gradebook_jobs.GROUP_XLSX,
        params={"group_id": group.pk},
        title=gradebook_jobs.group_xlsx_title(group),
    )
    return redirect("jobs:job_detail", pk=job.pk)


def overdue(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "gradebook.view_grade")
    return render(request, "gradebook/overdue.html", {"lines": selectors.overdue(request.user)})


def my_grades(request: HttpRequest) -> HttpResponse:
    if not access.is_learner(request.user):
        raise PermissionDenied("Страница для слушателей: здесь видны только собственные оценки.")
    return render(
        request, "gradebook/my_grades.html", {"enrollments": selectors.learner_grades(request.user)}
    )
