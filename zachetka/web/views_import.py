"""The learners import page: upload, preview every row's effect, then confirm."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zachetka.core import access
from zachetka.jobs import services as jobs
from zachetka.people import importing as learner_file
from zachetka.people.forms import ImportUploadForm
from zachetka.programs import services as program_services
from zachetka.programs.models import Group
from zachetka.web import import_check
from zachetka.web import importing as staging
from zachetka.web import jobs as web_jobs

PREVIEW_ROWS = 200


def _groups(user):
    return Group.objects.visible_to(user).select_related("program").order_by("-starts_on", "code")


_check = import_check.check
_error_summary = import_check.error_summary


def learner_import(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "people.import_learners")
    groups = _groups(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, groups=groups)
    if request.method != "POST" or not form.is_valid():
        return render(request, "web/learner_import.html", {"form": form})
    upload = form.cleaned_data["file"]
    if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
        form.add_error("file", f"Файл больше {settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)} МБ.")
        return render(request, "web/learner_import.html", {"form": form})
    content = upload.read()
    group = form.cleaned_data["group"]
    planned, errors, file_error, ignored = _check(upload.name, content)
    context = {
        "form": form,
        "filename": upload.name,
        "group": group,
        "admission_order_number": form.cleaned_data["admission_order_number"],
        "admission_order_date": form.cleaned_data["admission_order_date"],
        "ignored_columns": ignored,
    }
    if file_error or errors:
        context.update(file_error=file_error, errors=errors, error_summary=_error_summary(errors))
        return render(request, "web/learner_import_preview.html", context, status=422)
    staging.forget(request.session)  # a preview replaces this person's earlier one
    order_number = form.cleaned_data["admission_order_number"]
    order_date = form.cleaned_data["admission_order_date"]
    staged = staging.stage(
        content,
        upload.name,
        group.pk if group else None,
        admission_order_number=order_number,
        admission_order_date=order_date,
        rows=len(planned),
    )
    request.session[staging.SESSION_KEY] = staging.to_session(staged)
    new = [row for row in planned if row.is_new]
    changed = [row for row in planned if not row.is_new and row.changes]
    same = len(planned) - len(new) - len(changed)
    context.update(
        token=staged.token,
        total=len(planned),
        new_count=len(new),
        changed_count=len(changed),
        unchanged_count=same,
        new_rows=new[:PREVIEW_ROWS],
        changed_rows=changed[:PREVIEW_ROWS],
        preview_limit=PREVIEW_ROWS,
        in_background=len(planned) > web_jobs.BACKGROUND_ROWS,
        column_titles=learner_file.COLUMN_TITLES,
    )
    return render(request, "web/learner_import_preview.html", context)


@require_POST
def learner_import_confirm(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "people.import_learners")
    staged = staging.from_session(request.session.get(staging.SESSION_KEY), request.POST.get("token", ""))
    if staged is None:
        messages.error(request, "Предпросмотр устарел или уже применён. Загрузите файл ещё раз.")
        return redirect("web:learner_import")
    if staged.rows > web_jobs.BACKGROUND_ROWS:
        # A big file: imported in the background, which deletes the staged file when done.
        staging.hand_over(request.session)
        job = jobs.start(
            by=request.user,
            kind=web_jobs.LEARNER_IMPORT,
            params=web_jobs.learner_import_params(staged),
            title=web_jobs.learner_import_title(staged),
        )
        return redirect("jobs:job_detail", pk=job.pk)
    try:
        return _confirm(request, staged)
    finally:
        # Imported or refused, the staged file has served its purpose.
        staging.forget(request.session)


def _confirm(request: HttpRequest, staged: staging.StagedFile) -> HttpResponse:
    group = _groups(request.user).filter(pk=staged.group_id).first() if staged.group_id else None
    # Check again: the record may have changed since the preview.
    planned, errors, file_error, _ = _check(staged.filename, staged.read())
    if file_error or errors:
        messages.error(request, file_error or _error_summary(errors))
        return redirect("web:learner_import")
    try:
        outcome = program_services.import_learners(
            by=request.user,
            planned=planned,
            source=staged.filename,
            group=group,
            admission_order_number=staged.admission_order_number if group else "",
            admission_order_date=staged.admission_order_date if group else None,
        )
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect("web:learner_import")
    summary = import_check.outcome_summary(
        outcome, group, staged.admission_order_number, staged.admission_order_date
    )
    messages.success(request, summary)
    return redirect("web:learner_list")


@require_POST
def learner_import_cancel(request: HttpRequest) -> HttpResponse:
    """Drop a previewed file without importing it."""
    access.require(request.user, "people.import_learners")
    staging.forget(request.session)
    messages.info(request, "Импорт отменён, загруженный файл удалён.")
    return redirect("web:learner_import")
