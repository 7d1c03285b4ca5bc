"""Keeping the record (regulation п. 6, 7.1): retention of electronic records, their destruction
by approved acts, and the register of backups."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from zachetka.core import collation, dbroles


class RetentionHold(models.Model):
    """A legal hold: an enrolment's records are kept past their retention date (a dispute, a
    request of an authority) until the hold is released."""

    enrollment = models.ForeignKey(
        "programs.Enrollment", models.PROTECT, related_name="retention_holds", verbose_name="обучение"
    )
    reason = models.TextField("основание")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField("основание снятия", blank=True)

    DB_WRITES = dbroles.updates_only("released_by", "released_at", "release_reason")

    class Meta:
        ordering = ["-set_at"]
        verbose_name = "приостановка срока хранения"
        verbose_name_plural = "приостановки сроков хранения"
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"], condition=models.Q(released_at__isnull=True), name="one_active_hold"
            ),
            models.CheckConstraint(
                condition=models.Q(released_at__isnull=True) | ~models.Q(release_reason=""),
                name="hold_release_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"hold {self.enrollment_id}"


class ActCounter(models.Model):
    """The last destruction act number used in a year (core.numbering)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    DB_WRITES = dbroles.NEVER_DELETED

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class DestructionAct(models.Model):
    """An act destroying the personal data of learners whose records' retention has ended:
    drafted from the due list, approved by the administration, executed once."""

    class Status(models.TextChoices):
        DRAFT = "draft", "проект"
        APPROVED = "approved", "утверждён"
        EXECUTED = "executed", "исполнен"

    number = models.CharField("номер", max_length=20, unique=True)
    basis = models.TextField("основание и причина уничтожения")
    status = models.CharField("состояние", max_length=10, choices=Status, default=Status.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    executed_at = models.DateTimeField(null=True, blank=True)
    # The act and the log extract (Приказ РКН № 179), made at execution and kept for
    # ZACHETKA_DESTRUCTION_RECORDS_YEARS, then erased with the names they list.
    pdf = models.FileField(upload_to="destruction/%Y/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    extract = models.FileField(upload_to="destruction/%Y/", blank=True)
    extract_sha256 = models.CharField(max_length=64, blank=True)
    records_erased_at = models.DateTimeField(null=True, blank=True)

    DB_WRITES = dbroles.NEVER_DELETED

    class Meta:
        ordering = ["-drafted_at"]
        verbose_name = "акт об уничтожении персональных данных"
        verbose_name_plural = "акты об уничтожении персональных данных"
        permissions = [("approve_destructionact", "Может утверждать акты об уничтожении")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | models.Q(approved_by__isnull=False, approved_at__isnull=False),
                name="approved_act_has_approver",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="executed")
                | models.Q(approved_by__isnull=False, executed_by__isnull=False, executed_at__isnull=False),
                name="executed_act_was_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"Акт № {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("archive:act_detail", args=[self.pk])


class DestructionItem(models.Model):
    """One learner in an act: whose data, from which studies, what is destroyed."""

    act = models.ForeignKey(DestructionAct, models.PROTECT, related_name="items")
    learner = models.ForeignKey("people.Learner", models.PROTECT, related_name="+")
    subject_name = models.CharField("ФИО субъекта", max_length=200, db_collation=collation.COLLATION)
    studies = models.TextField("обучение", blank=True)
    categories = models.JSONField("категории уничтоженных данных", default=list)
    done_at = models.DateTimeField(null=True, blank=True)

    DB_WRITES = dbroles.updates_only("done_at", "subject_name", "studies")

    class Meta:
        ordering = ["act", "subject_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["act", "learner"], name="destruction_item_once")]

    def __str__(self) -> str:
        return f"{self.act_id}/{self.learner_id}"


class BackupRecord(models.Model):
    """A backup archive written by `manage.py backup`, so that copies holding data destroyed
    since can be listed for deletion."""

    path = models.CharField("файл", max_length=500)
    created_at = models.DateTimeField("создана")
    size = models.PositiveBigIntegerField("размер, байт")
    sha256 = models.CharField(max_length=64)
    deleted_at = models.DateTimeField("удалена", null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    DB_WRITES = dbroles.updates_only("deleted_at", "deleted_by")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "резервная копия"
        verbose_name_plural = "резервные копии"

    def __str__(self) -> str:
        return self.path
