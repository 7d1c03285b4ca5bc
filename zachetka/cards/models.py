"""The individual learner card (regulation п. 3.1): one per learner and enrolment. While the
learner studies it is built from the record each time; when the enrolment ends it is frozen as a
numbered version (content and SHA-256), and a later correction adds a version, never alters one.

A frozen card is the learner's personal data kept apart from the record, so its content is sealed
under the learner's key (core.sealing): a destruction act that destroys the key makes every frozen
version unreadable while the rows, their numbers and digests stay for the record's history."""

from django.db import models
from django.urls import reverse

from zachetka.core import dbroles, sealing


class CardVersion(models.Model):
    enrollment = models.ForeignKey(
        "programs.Enrollment", models.PROTECT, related_name="card_versions", verbose_name="обучение"
    )
    number = models.PositiveIntegerField("версия")
    content = models.JSONField("содержание карты")
    sha256 = models.CharField("SHA-256 содержания", max_length=64)
    reason = models.CharField("причина", max_length=255)
    created_at = models.DateTimeField("зафиксирована", auto_now_add=True)
    pdf = models.FileField("PDF", upload_to="cards/%Y/", blank=True)
    pdf_sha256 = models.CharField("SHA-256 PDF", max_length=64, blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)

    # A version never changes; its PDF is rendered once, later (a trigger allows it only once).
    DB_WRITES = dbroles.updates_only("pdf", "pdf_sha256", "pdf_rendered_at")

    class Meta:
        ordering = ["enrollment", "number"]
        verbose_name = "версия индивидуальной карты"
        verbose_name_plural = "версии индивидуальных карт"
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "number"], name="card_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Карта {self.enrollment_id}, версия {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("cards:version_pdf", args=[self.pk])

    @staticmethod
    def sealing_context(enrollment_id: int, number: int) -> str:
        return f"cards.CardVersion:{enrollment_id}:{number}"

    def frozen_content(self, learner_id: int) -> dict | None:
        """The card as it was frozen, or None once the learner's data was destroyed."""
        return sealing.open_value(
            self.content, learner_id, self.sealing_context(self.enrollment_id, self.number)
        )
