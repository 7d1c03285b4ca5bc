from urllib.parse import quote

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from zachetka.accesslog import capture
from zachetka.core import access
from zachetka.jobs import selectors
from zachetka.jobs.models import Job


def _own(request: HttpRequest, pk: object) -> Job:
    access.require_own_work(request.user)
    try:
        return selectors.own_job(request.user, pk)
    except Job.DoesNotExist as missing:
        raise Http404("Задание не найдено.") from missing


def _state(job: Job) -> dict:
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "percent": job.percent,
        "done": job.done,
        "total": job.total,
        "stage": job.stage,
        "error": job.error,
        "file_url": reverse("jobs:file", args=[job.pk]) if job.status == Job.Status.DONE and job.file else "",
        "file_name": job.file_name,
        "summary": job.result.get("summary", ""),
        "link_url": job.result.get("link_url", ""),
        "link_text": job.result.get("link_text", ""),
    }


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    access.require_own_work(request.user)
    jobs = selectors.recent_jobs(request.user)
    return render(request, "jobs/job_list.html", {"jobs": jobs, "keep_days": selectors.keep_days()})


@require_GET
def job_detail(request: HttpRequest, pk: object) -> HttpResponse:
    job = _own(request, pk)
    return render(request, "jobs/job_detail.html", {"job": job, "keep_days": selectors.keep_days()})


@require_GET
def job_status(request: HttpRequest, pk: object) -> JsonResponse:
    return JsonResponse(_state(_own(request, pk)))


@require_GET
def job_file(request: HttpRequest, pk: object) -> FileResponse:
    job = _own(request, pk)
    if job.status != Job.Status.DONE or not job.file:
        raise Http404("Файл ещё не готов.")
    capture.mark(request, job.learner_ids)
    response = FileResponse(job.file.open("rb"), content_type=job.content_type)
    inline = job.content_type == "application/pdf"
    response["Content-Disposition"] = (
        f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(job.file_name)}"
    )
    return response
