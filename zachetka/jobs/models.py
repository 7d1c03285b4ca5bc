"""Work that takes seconds — a group's documents as PDF, a big export — run by a worker process
(Huey) while the person sees its progress, then downloads the file it made."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "в очереди"
        RUNNING = "running", "выполняется"
        DONE = "done", "готово"
        FAILED = "failed", "не выполнено"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("вид", max_length=80)
    title = models.CharField("задание", max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs", verbose_name="кто запустил"
    )
    params = models.JSONField("параметры", default=dict)
    # The same request (person, kind, parameters) while one is queued or running is that job:
    # a second click or a resent form never starts a second run.
    request_digest = models.CharField(max_length=64)
    status = models.CharField("состояние", max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField("этап", max_length=200, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.TextField("причина", blank=True)
    file = models.FileField("файл", upload_to="jobs/%Y/%m/", blank=True, max_length=300)
    file_name = models.CharField("имя файла", max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    # What a job that writes rather than makes a file did, shown on its page: {"summary": text,
    # "link_url": where to see it, "link_text": the link's words}.
    result = models.JSONField("итог", default=dict, blank=True)
    # Learners whose data the file shows: recorded in the access log when it is downloaded.
    learner_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    started_at = models.DateTimeField("начато", null=True, blank=True)
    finished_at = models.DateTimeField("завершено", null=True, blank=True)
    # Set by every progress report and every JOBS_HEARTBEAT_SECONDS by the worker running it: a
    # running job that stops beating was cut off (the worker was killed) and is marked failed by
    # the periodic clean-up.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "фоновое задание"
        verbose_name_plural = "фоновые задания"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "request_digest"],
                condition=Q(status__in=["queued", "running"]),
                name="job_one_active_per_request",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]), name="job_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, round(100 * self.done / self.total))
