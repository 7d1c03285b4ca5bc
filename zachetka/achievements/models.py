"""Achievements of learners within a program (regulation п. 3.2): recorded by staff, or proposed
by the learner and confirmed by a curator; only confirmed ones go on the learner's card."""

from typing import Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.urls import reverse

from zachetka.core import access

Actor = User | AnonymousUser


class AchievementQuerySet(models.QuerySet):
    def visible_to(self, user: Actor) -> Self:
        return self.filter(access.learner_scope(user, prefix="learner__"))


class Achievement(models.Model):
    class Kind(models.TextChoices):
        PROJECT = "project", "проект"
        PUBLICATION = "publication", "публикация"
        COMPETITION = "competition", "конкурс, олимпиада"
        EXTERNAL_CERTIFICATE = "certificate", "внешний сертификат"
        OTHER = "other", "другое"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "ждёт подтверждения"
        CONFIRMED = "confirmed", "подтверждено"
        REJECTED = "rejected", "отклонено"

    learner = models.ForeignKey(
        "people.Learner", models.PROTECT, related_name="achievements", verbose_name="слушатель"
    )
    enrollment = models.ForeignKey(
        "programs.Enrollment",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="achievements",
        verbose_name="обучение",
    )
    title = models.CharField("название", max_length=255)
    kind = models.CharField("вид", max_length=12, choices=Kind)
    achieved_on = models.DateField("дата")
    description = models.TextField("описание", blank=True)
    evidence = models.FileField("подтверждающий файл", upload_to="achievements/%Y/", blank=True)
    evidence_name = models.CharField("имя файла", max_length=255, blank=True)
    status = models.CharField("состояние", max_length=10, choices=Status, default=Status.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.TextField("причина отказа", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AchievementQuerySet.as_manager()

    class Meta:
        ordering = ["-achieved_on", "-pk"]
        verbose_name = "достижение"
        verbose_name_plural = "достижения"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reject_reason=""),
                name="rejected_achievement_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("achievements:achievement_detail", args=[self.pk])

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED
