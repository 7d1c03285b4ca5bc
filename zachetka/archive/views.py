"""Pages of retention: records due by month with holds, destruction acts, the backups register."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zachetka.accesslog import capture
from zachetka.archive import selectors, services
from zachetka.archive.forms import ActForm, HoldForm
from zachetka.archive.models import BackupRecord, DestructionAct, RetentionHold
from zachetka.core import access
from zachetka.programs.models import Enrollment


def retention(request: HttpRequest) -> HttpResponse:
    """Records due for destruction by month (and those falling due within a year), holds, and
    the learners an act may now name."""
    access.require(request.user, "archive.view_destructionact")
    months = selectors.due_by_month()
    capture.mark(request, (r.enrollment.learner_id for month in months.values() for r in month))
    return render(
        request,
        "archive/retention.html",
        {
            "months": months,
            "to_forget": len(selectors.learners_to_forget()),
            "act_form": ActForm(),
            "hold_form": HoldForm(),
            "may_draft": access.may(request.user, "archive.add_destructionact"),
            "may_hold": access.may(request.user, "archive.add_retentionhold"),
            "acts": DestructionAct.objects.order_by("-drafted_at")[:20],
            "backups": selectors.backups_to_delete(),
            "retention_years": settings.RETENTION_YEARS,
        },
    )


@require_POST
def act_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "archive.add_destructionact")
    form = ActForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите основание и причину уничтожения.")
        return redirect("archive:retention")
    try:
        act = services.draft_act(by=request.user, basis=form.cleaned_data["basis"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("archive:retention")
    messages.success(
        request, f"Составлен проект акта № {act.number}: передайте его на утверждение администрации."
    )
    return redirect(act)


def act_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "archive.view_destructionact")
    act = get_object_or_404(
        DestructionAct.objects.select_related("drafted_by", "approved_by", "executed_by"), pk=pk
    )
    capture.mark(request, act.items.values_list("learner_id", flat=True))
    return render(
        request,
        "archive/act_detail.html",
        {
            "act": act,
            "items": act.items.order_by("subject_name", "pk"),
            "may_approve": act.status == DestructionAct.Status.DRAFT
            and access.may(request.user, "archive.approve_destructionact"),
            "may_execute": act.status == DestructionAct.Status.APPROVED
            and access.may(request.user, "archive.change_destructionact"),
        },
    )


@require_POST
def act_approve(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "archive.approve_destructionact")
    act = get_object_or_404(DestructionAct, pk=pk)
    try:
        services.approve_act(by=request.user, act=act)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Акт № {act.number} утверждён.")
    return redirect(act)


@require_POST
def act_execute(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "archive.change_destructionact")
    act = get_object_or_404(DestructionAct, pk=pk)
    try:
        act = services.execute_act(by=request.user, act=act)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Акт № {act.number} исполнен: персональные данные уничтожены.")
    return redirect(act)


def _file(request: HttpRequest, pk: int, field: str, content_type: str, suffix: str) -> FileResponse:
    access.require(request.user, "archive.view_destructionact")
    act = get_object_or_404(DestructionAct, pk=pk)
    stored = getattr(act, field)
    capture.mark(request, act.items.values_list("learner_id", flat=True))
    if not stored:
        raise Http404("Файл не сохранён: акт не исполнен или срок его хранения истёк.")
    response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'Акт {act.number}{suffix}')}"
    return response


def act_pdf(request: HttpRequest, pk: int) -> FileResponse:
    return _file(request, pk, "pdf", "application/pdf", ".pdf")


def act_extract(request: HttpRequest, pk: int) -> FileResponse:
    return _file(
        request,
        pk,
        "extract",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        " — выгрузка из журнала.xlsx",
    )


@require_POST
def hold_set(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "archive.add_retentionhold")
    enrollment = get_object_or_404(Enrollment.objects.visible_to(request.user), pk=pk)
    form = HoldForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Укажите основание приостановки.")
        services.set_hold(by=request.user, enrollment=enrollment, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Срок хранения записей приостановлен: {enrollment.learner.full_name}.")
    return redirect("archive:retention")


@require_POST
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "archive.change_retentionhold")
    hold = get_object_or_404(RetentionHold, pk=pk)
    form = HoldForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Укажите основание снятия приостановки.")
        services.release_hold(by=request.user, hold=hold, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Приостановка снята.")
    return redirect("archive:retention")


@require_POST
def backup_deleted(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "archive.change_backuprecord")
    record = get_object_or_404(BackupRecord, pk=pk)
    services.mark_backup_deleted(by=request.user, record=record)
    messages.success(request, f"Отмечено: копия {record.path} удалена.")
    return redirect("archive:retention")
