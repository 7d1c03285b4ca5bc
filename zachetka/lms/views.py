"""Importing a Moodle gradebook export into a group's module: upload, preview the mapping and
every cell it would write, then confirm (all or nothing)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zachetka.core import access, plural
from zachetka.jobs import services as jobs
from zachetka.lms import jobs as lms_jobs
from zachetka.lms import moodle, selectors, services
from zachetka.lms.forms import ConfirmForm, GradebookUploadForm, MappingForm
from zachetka.programs.models import Group, Module
from zachetka.web import importing as staging

SESSION_KEY = "lms_gradebook_import"
# The most unmatched file rows a preview lists (the count is always given): a Moodle course
# may hold several groups, whose other learners are expected to match no one here.
PREVIEW_UNMATCHED = 200


def _group_module(request: HttpRequest, group_pk: int, module_pk: int) -> tuple[Group, Module]:
    access.require(request.user, "gradebook.view_grade")
    try:
        group, module = selectors.group_module(request.user, group_pk, module_pk)
    except (Group.DoesNotExist, Module.DoesNotExist) as error:
        raise Http404("Журнал не найден.") from error
    if not selectors.may_import(request.user, group, module):
        raise PermissionDenied(
            "Импортировать оценки могут преподаватели этого модуля, куратор группы и учебная часть."
        )
    return group, module


def _forget(session: SessionBase) -> None:
    """Delete the file this session staged for a Moodle import, and its note in the session."""
    data = session.pop(SESSION_KEY, None)
    staged = staging.from_session(data, str((data or {}).get("token", "")))
    if staged is not None:
        staged.discard()


def _staged(request: HttpRequest, group: Group, module: Module, token: str) -> staging.StagedFile | None:
    data = request.session.get(SESSION_KEY)
    if not data or data.get("group_id") != group.pk or data.get("module_id") != module.pk:
        return None
    return staging.from_session(data, token)


def _import_url(group: Group, module: Module) -> str:
    return reverse("lms:gradebook_import", args=[group.pk, module.pk])


def _grid_url(group: Group, module: Module) -> str:
    return reverse("gradebook:grid", args=[group.pk, module.pk])


def gradebook_import(request: HttpRequest, group_pk: int, module_pk: int) -> HttpResponse:
    group, module = _group_module(request, group_pk, module_pk)
    form = GradebookUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            # Refused unread: the size is known from the upload, before a byte is parsed.
            form.add_error("file", f"Файл больше {limit // (1024 * 1024)} МБ: разделите его на части.")
        else:
            content = upload.read()
            try:
                moodle.read_gradebook(upload.name, content)
            except moodle.MoodleFileError as error:
                form.add_error("file", str(error))
            else:
                _forget(request.session)  # a new file replaces this person's earlier one
                staged = staging.stage(content, upload.name, group.pk)
                request.session[SESSION_KEY] = {
                    **staging.to_session(staged),
                    "module_id": module.pk,
                }
                return redirect(
                    f"{reverse('lms:gradebook_import_preview', args=[group.pk, module.pk])}"
                    f"?token={staged.token}"
                )
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "lms/gradebook_import.html",
        {"form": form, "group": group, "module": module, "max_mb": settings.IMPORT_MAX_UPLOAD_BYTES // 2**20},
        status=status,
    )


def _cell_view(cell: moodle.PlannedCell | None) -> dict:
    if cell is None:
        return {"text": "—", "kind": "none", "hint": "в файле нет оценки («-»): ячейка не меняется"}
    if cell.is_new:
        return {"text": cell.value, "kind": "new", "hint": f"будет выставлено (в файле «{cell.raw}»)"}
    if cell.is_same:
        return {"text": cell.value, "kind": "same", "hint": "такая оценка уже выставлена"}
    return {
        "text": f"{cell.old_value} → {cell.value}",
        "kind": "change",
        "hint": f"выставлена другая оценка «{cell.old_value}»: перезапись требует подтверждения",
    }


def _plan(group: Group, gradebook: moodle.GradebookFile, form: MappingForm) -> moodle.Plan:
    return selectors.plan(group, gradebook, form.mapping(), form.assessments)


def _read_staged(staged: staging.StagedFile | None) -> moodle.GradebookFile | None:
    if staged is None:
        return None
    try:
        return moodle.read_gradebook(staged.filename, staged.read())
    except (moodle.MoodleFileError, FileNotFoundError):
        return None


def _preview(
    request: HttpRequest,
    group: Group,
    module: Module,
    staged: staging.StagedFile,
    gradebook: moodle.GradebookFile,
    form: MappingForm,
    *,
    posted: ConfirmForm | None = None,
    refusal: services.ImportRefused | None = None,
    confirm_errors: list[str] | None = None,
) -> HttpResponse:
    """The preview page; after a refused confirmation, with why (`refusal`, `confirm_errors`)
    and what the person chose (`posted`), planned again from the record as it is now."""
    plan = _plan(group, gradebook, form) if form.is_valid() else None
    context = {
        "group": group,
        "module": module,
        "filename": staged.filename,
        "token": staged.token,
        "gradebook": gradebook,
        "mapping_form": form,
        "mapping_fields": form.fields_for_columns(),
        "assessments": form.assessments,
        "ignored_columns": gradebook.ignored,
        "refusal": refusal,
    }
    if plan is not None:
        today = timezone.localdate()
        changes_past_deadline = [cell for cell in plan.changes if cell.assessment.due_on < today]
        locked = any(assessment.gradebook_locked for _, assessment in plan.mapped)
        # A closed gradebook takes corrections from the administration only (as the grid does).
        closed_to_user = locked and not access.is_administration(request.user)
        context.update(
            closed_to_user=closed_to_user,
            plan=plan,
            mapping=form.mapping(),
            headers=[f"{assessment.title} ← {column.header}" for column, assessment in plan.mapped],
            rows=[
                {
                    "row": row.file_row.row,
                    "in_file": row.file_row.name,
                    "learner": row.enrollment.learner.full_name,
                    "cells": [_cell_view(cell) for cell in row.cells],
                }
                for row in plan.rows
            ],
            unmatched=plan.unmatched[:PREVIEW_UNMATCHED],
            unmatched_more=max(0, len(plan.unmatched) - PREVIEW_UNMATCHED),
            new_count=plural.count_with(len(plan.new), "оценка", "оценки", "оценок"),
            change_count=plural.count_with(len(plan.changes), "оценка", "оценки", "оценок"),
            same_count=plural.count_with(len(plan.unchanged), "оценка", "оценки", "оценок"),
            matched_count=plural.count_with(len(plan.rows), "слушатель", "слушателя", "слушателей"),
            needs_reason=bool(changes_past_deadline) or (locked and bool(plan.to_write)),
            may_commit=not plan.errors and bool(plan.to_write) and not closed_to_user,
            in_background=len(plan.to_write) > lms_jobs.BACKGROUND_CELLS,
            # The versions of the cells as this page shows them: confirming again after a
            # refusal checks against what the person has now seen.
            confirm=ConfirmForm(
                initial={
                    "token": staged.token,
                    "seen": ConfirmForm.sign_seen(plan.seen_versions()),
                    "overwrite": posted.data.get("overwrite") if posted else False,
                    "reason": posted.data.get("reason", "") if posted else "",
                }
            ),
        )
    context["confirm_errors"] = confirm_errors or []
    failed = bool(refusal or confirm_errors or (plan is not None and plan.errors))
    return render(request, "lms/gradebook_import_preview.html", context, status=422 if failed else 200)


def gradebook_import_preview(request: HttpRequest, group_pk: int, module_pk: int) -> HttpResponse:
    group, module = _group_module(request, group_pk, module_pk)
    staged = _staged(request, group, module, request.GET.get("token", ""))
    gradebook = _read_staged(staged)
    if gradebook is None:
        messages.error(request, "Предпросмотр устарел или уже применён. Загрузите файл ещё раз.")
        return redirect(_import_url(group, module))
    assessments = selectors.assessments(request.user, group, module)
    if any(column.key in request.GET for column in gradebook.columns):
        data = request.GET
    else:  # the first preview: the mapping guessed from the titles
        guessed = moodle.guess_mapping(gradebook.columns, assessments)
        data = {key: str(pk) if pk else moodle.NOT_IMPORTED for key, pk in guessed.items()}
    form = MappingForm(data, columns=gradebook.columns, assessments=assessments)
    return _preview(request, group, module, staged, gradebook, form)


@require_POST
def gradebook_import_confirm(request: HttpRequest, group_pk: int, module_pk: int) -> HttpResponse:
    group, module = _group_module(request, group_pk, module_pk)
    staged = _staged(request, group, module, request.POST.get("token", ""))
    gradebook = _read_staged(staged)
    if gradebook is None:
        messages.error(request, "Предпросмотр устарел или уже применён. Загрузите файл ещё раз.")
        return redirect(_import_url(group, module))
    assessments = selectors.assessments(request.user, group, module)
    form = MappingForm(request.POST, columns=gradebook.columns, assessments=assessments)
    confirm = ConfirmForm(request.POST)
    if not form.is_valid() or not confirm.is_valid():
        problems = [message for errors in confirm.errors.values() for message in errors]
        return _preview(
            request, group, module, staged, gradebook, form, posted=confirm, confirm_errors=problems
        )
    # Planned again from the record as it is now: the versions the preview showed catch a
    # grade changed meanwhile.
    plan = _plan(group, gradebook, form)
    if len(plan.to_write) > lms_jobs.BACKGROUND_CELLS:
        return _confirm_in_background(request, group, module, staged, gradebook, form, confirm, plan)
    try:
        outcome = services.import_grades(
            by=request.user,
            group=group,
            module=module,
            plan=plan,
            seen_versions=confirm.cleaned_data["seen"],
            overwrite=confirm.cleaned_data["overwrite"],
            reason=confirm.cleaned_data["reason"],
            source=staged.filename,
        )
    except services.ImportRefused as refusal:
        return _preview(request, group, module, staged, gradebook, form, posted=confirm, refusal=refusal)
    except (ValidationError, PermissionDenied) as error:
        problems = error.messages if isinstance(error, ValidationError) else [str(error)]
        return _preview(
            request, group, module, staged, gradebook, form, posted=confirm, confirm_errors=problems
        )
    _forget(request.session)
    messages.success(request, lms_jobs.summary(staged.filename, outcome))
    return redirect(_grid_url(group, module))


def _confirm_in_background(  # noqa: PLR0913 - the confirmation as the view has read it
    request: HttpRequest,
    group: Group,
    module: Module,
    staged: staging.StagedFile,
    gradebook: moodle.GradebookFile,
    form: MappingForm,
    confirm: ConfirmForm,
    plan: moodle.Plan,
) -> HttpResponse:
    """A big import: what refuses it now is said on the preview at once; the rest is done by a
    job (which checks everything again), whose page shows its progress and outcome. The staged
    file stays in the session: the job deletes it once imported, and a refused import can be
    corrected on the preview and confirmed again."""
    seen = confirm.cleaned_data["seen"]
    try:
        services.check_confirmation(
            by=request.user,
            group=group,
            module=module,
            plan=plan,
            seen_versions=seen,
            overwrite=confirm.cleaned_data["overwrite"],
        )
        services.check_cells(
            by=request.user, plan=plan, seen_versions=seen, reason=confirm.cleaned_data["reason"]
        )
    except services.ImportRefused as refusal:
        return _preview(request, group, module, staged, gradebook, form, posted=confirm, refusal=refusal)
    except (ValidationError, PermissionDenied) as error:
        problems = error.messages if isinstance(error, ValidationError) else [str(error)]
        return _preview(
            request, group, module, staged, gradebook, form, posted=confirm, confirm_errors=problems
        )
    job = jobs.start(
        by=request.user,
        kind=lms_jobs.MOODLE_IMPORT,
        params=lms_jobs.params(
            staged,
            group,
            module,
            form.mapping(),
            request.POST["seen"],
            confirm.cleaned_data["overwrite"],
            confirm.cleaned_data["reason"],
        ),
        title=lms_jobs.title(staged, group, module),
    )
    return redirect("jobs:job_detail", pk=job.pk)


@require_POST
def gradebook_import_cancel(request: HttpRequest, group_pk: int, module_pk: int) -> HttpResponse:
    """Drop a previewed file without importing it."""
    group, module = _group_module(request, group_pk, module_pk)
    _forget(request.session)
    messages.info(request, "Импорт отменён, загруженный файл удалён.")
    return redirect(_grid_url(group, module))
