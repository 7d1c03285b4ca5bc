"""Starting a job, running it in the worker, and forgetting it after the keeping period."""

import datetime as dt
import hashlib
import json
import logging
import threading
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from zachetka.core import access
from zachetka.jobs import registry
from zachetka.jobs.models import Job
from zachetka.jobs.progress import Progress

logger = logging.getLogger(__name__)

INTERNAL_ERROR = (
    "Не удалось выполнить задание из-за внутренней ошибки. Запустите его ещё раз; "
    "если ошибка повторится, сообщите администратору."
)
CUT_OFF = "Задание прервано: обработчик заданий был остановлен. Запустите задание ещё раз."


class JobNotVisibleYet(Exception):
    """The worker got the job before the transaction that created it committed: retried."""


def _digest(kind: str, params: dict) -> str:
    canonical = json.dumps([kind, params], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def start(*, by: User, kind: str, params: dict, title: str) -> Job:
    """Queue `kind` with `params` for `by`, or return the same request already queued or running."""
    job, created = request(by=by, kind=kind, params=params, title=title)
    if created:
        # Enqueued once the row is committed (the worker reads it); in tests the queue runs the
        # job right here.
        from zachetka.jobs import tasks

        tasks.run_job(str(job.pk))
        job.refresh_from_db()
    return job


def request(*, by: User, kind: str, params: dict, title: str) -> tuple[Job, bool]:
    """The job row for this request: a new one, or the same request already queued or running
    (a unique constraint decides between simultaneous identical requests)."""
    access.require(by, registry.get(kind).permission)
    digest = _digest(kind, params)
    active = Job.objects.filter(owner=by, request_digest=digest, status__in=Job.ACTIVE)
    existing = active.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            job = Job.objects.create(
                owner=by, kind=kind, params=params, title=title[:300], request_digest=digest
            )
    except IntegrityError:
        # The same request arrived twice at the same moment: the database let one in.
        return active.get(), False
    return job, True


def run(job_id: str) -> None:
    """Run a queued job in the worker: its file is stored only when the work succeeded."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        if not Job.objects.filter(pk=job_id).exists():
            raise JobNotVisibleYet(job_id)
        return  # delivered twice: the first delivery runs it
    job = Job.objects.select_related("owner").get(pk=job_id)
    with _Heartbeat(job.pk):
        try:
            if not job.owner.is_active:
                raise PermissionDenied("Учётная запись отключена.")
            kind = registry.get(job.kind)
            access.require(job.owner, kind.permission)
            output = registry.run(kind, Progress(job.pk), job.owner, dict(job.params))
        except (ValidationError, PermissionDenied) as error:
            _fail(job, _message(error))
            return
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            _fail(job, INTERNAL_ERROR)
            return
        try:
            _finish(job, output)
        except (ValidationError, PermissionDenied) as error:
            _fail(job, _message(error))
        except _NoLongerRunning:
            logger.warning("Job %s (%s) ended after it was marked cut off", job.pk, job.kind)
        except Exception:
            logger.exception("Job %s (%s) failed while storing its outcome", job.pk, job.kind)
            _fail(job, INTERNAL_ERROR)


class _NoLongerRunning(Exception):
    """The job's row left the running state while it worked (the clean-up marked it cut off)."""


class _Heartbeat:
    """Refreshes a running job's heartbeat every JOBS_HEARTBEAT_SECONDS from a thread of its
    own, so a single long step (a PDF laid out for minutes, one big query) is not taken for a
    worker that was killed. The thread has its own connection; on SQLite, while the job holds
    the write lock, a beat waits and may fail: it is skipped (the next one comes)."""

    def __init__(self, job_id: object) -> None:
        self._job_id = job_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-heartbeat-{job_id}", daemon=True)

    def __enter__(self) -> "_Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        try:
            while not self._stop.wait(settings.JOBS_HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=self._job_id, status=Job.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    logger.warning("Job %s: heartbeat skipped", self._job_id, exc_info=True)
        finally:
            connection.close()


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "Недостаточно прав для этого задания."


def _fail(job: Job, message: str) -> None:
    """Mark a running job failed; one already marked cut off keeps its own message."""
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=Job.Status.FAILED, error=message, finished_at=timezone.now(), stage=""
    )


def _finish(job: Job, output: registry.Output) -> None:
    """Store the file and mark the job done, with the work's own `commit` in the same
    transaction; a job no longer running (cut off meanwhile) keeps neither, nor does a failure."""
    safe_name = PurePosixPath(output.name.replace("\\", "/")).name or "file"
    stored = ""
    result = {"summary": output.summary, "link_url": output.link_url, "link_text": output.link_text}
    try:
        if output.content:  # a job that writes (an import) may make no file
            stored = job.file.storage.save(
                job.file.field.generate_filename(job, f"{job.pk}{PurePosixPath(safe_name).suffix}"),
                ContentFile(output.content),
            )
        with transaction.atomic():
            # Locked first: the clean-up cannot mark it cut off between the check and the end.
            if not Job.objects.select_for_update().filter(pk=job.pk, status=Job.Status.RUNNING).exists():
                raise _NoLongerRunning(job.pk)
            if output.commit is not None:
                output.commit()
            Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                status=Job.Status.DONE,
                file=stored,
                file_name=safe_name[:200] if stored else "",
                result={key: value for key, value in result.items() if value},
                content_type=output.content_type,
                learner_ids=sorted({int(pk) for pk in output.learner_ids}),
                # The last progress report's count stays (the row, not this early copy, has it).
                done=F("total"),
                stage="",
                finished_at=timezone.now(),
            )
    except BaseException:
        if stored:
            job.file.storage.delete(stored)
        if output.discard is not None:
            output.discard()
        raise


def keeping_since() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=settings.JOBS_KEEP_DAYS)


def clean() -> tuple[int, int]:
    """Delete jobs (and their files) older than the keeping period; mark jobs whose worker stopped
    reporting as failed. Returns (deleted, cut off)."""
    cut_off = Job.objects.filter(
        status=Job.Status.RUNNING,
        heartbeat_at__lt=timezone.now() - dt.timedelta(seconds=settings.JOBS_SILENT_SECONDS),
    ).update(status=Job.Status.FAILED, error=CUT_OFF, finished_at=timezone.now(), stage="")
    old = list(Job.objects.filter(created_at__lt=keeping_since()).exclude(status__in=Job.ACTIVE))
    for job in old:
        if job.file:
            job.file.storage.delete(job.file.name)
    deleted, _ = Job.objects.filter(pk__in=[job.pk for job in old]).delete()
    return deleted, cut_off
