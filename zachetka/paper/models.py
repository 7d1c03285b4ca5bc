"""The paper archive (regulation п. 4.1, 6.2): the nomenclature of cases (номенклатура дел) and
the paper originals filed in them, with where each lies and when its archival period ends.

Periods are the archivist's to fill from the full text of the list of standard documents
(Перечень, приказ Росархива от 20.12.2019 № 236): the articles for learners' personal files,
registry books and final attestation protocols were not found (docs/sources.md § 3.4), so nothing
here presumes them. A period is counted from 1 January of the year after the case is closed.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse

from zachetka.core import dbroles, plural


class Case(models.Model):
    """A case (дело) of the nomenclature: one file folder per index and year."""

    index = models.CharField("индекс дела", max_length=30, help_text="Например: 05-12.")
    title = models.CharField("заголовок дела", max_length=500)
    year = models.PositiveSmallIntegerField("год")
    article = models.CharField(
        "статья перечня",
        max_length=30,
        blank=True,
        help_text="Статья Перечня (приказ Росархива № 236), например «441».",
    )
    # Null with is_permanent: kept for ever; otherwise a number of years (a CheckConstraint says so).
    retention_years = models.PositiveSmallIntegerField("срок хранения, лет", null=True, blank=True)
    is_permanent = models.BooleanField("хранить постоянно", default=False)
    # «ЭПК»: at the end of the period the expert commission decides whether to keep the case.
    needs_expert_review = models.BooleanField("отметка «ЭПК»", default=False)
    storage_place = models.CharField(
        "место хранения", max_length=255, blank=True, help_text="Помещение, стеллаж, полка."
    )
    closed_on = models.DateField("дата закрытия дела", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # A case of the nomenclature stays on record; mistakes are corrected in place (audited).
    DB_WRITES = dbroles.NEVER_DELETED

    class Meta:
        ordering = ["-year", "index"]
        verbose_name = "дело номенклатуры"
        verbose_name_plural = "дела номенклатуры"
        constraints = [
            models.UniqueConstraint(fields=["year", "index"], name="paper_case_index_unique_per_year"),
            models.CheckConstraint(
                condition=models.Q(is_permanent=True, retention_years__isnull=True)
                | models.Q(is_permanent=False, retention_years__isnull=False, retention_years__gte=1),
                name="paper_case_period_years_or_permanent",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=1900) & models.Q(year__lte=2200), name="paper_case_year_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"дело № {self.index} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("paper:case_detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        if self.is_permanent:
            label = "постоянно"
        else:
            label = plural.count_with(self.retention_years or 0, "год", "года", "лет")
        return f"{label}, ЭПК" if self.needs_expert_review else label

    @property
    def period_ends_on(self) -> dt.date | None:
        """When the period ends: 1 January of the year after closing plus the period; None for a
        permanent case or one still open."""
        if self.is_permanent or self.closed_on is None or self.retention_years is None:
            return None
        return period_end(self.closed_on, self.retention_years)


def period_end(closed_on: dt.date, years: int) -> dt.date:
    """The day an archival period of `years` ends for a case closed on `closed_on`: counted from
    1 January of the following year (Перечень № 236, instructions; docs/sources.md § 3.1)."""
    return dt.date(closed_on.year + 1 + years, 1, 1)


class PaperOriginal(models.Model):
    """A paper original filed in a case on sheets from–to, with an optional scan.

    What it is the original of is a nullable foreign key per kind of record the system keeps
    (a protocol, a destruction act; a consent once the privacy app lands): unlike a generic
    content type and id, each one is a real key (PROTECT: a record with a paper original cannot
    be deleted), joins in one query, and can be unique (one original per protocol)."""

    class Kind(models.TextChoices):
        PROTOCOL = "protocol", "подписанный протокол (ведомость) аттестации"
        REGISTRY_BOOK = "registry_book", "книга регистрации"
        CONSENT = "consent", "согласие на обработку персональных данных"
        PERSONAL_FILE = "personal_file", "личное дело"
        DESTRUCTION_ACT = "destruction_act", "акт об уничтожении"
        OTHER = "other", "иной документ"

    case = models.ForeignKey(Case, models.PROTECT, related_name="originals", verbose_name="дело")
    kind = models.CharField("вид", max_length=20, choices=Kind)
    title = models.CharField("документ", max_length=500)
    dated_on = models.DateField("дата документа")
    protocol = models.ForeignKey(
        "attestation.Protocol",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="paper_originals",
        verbose_name="протокол в системе",
    )
    destruction_act = models.ForeignKey(
        "archive.DestructionAct",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="paper_originals",
        verbose_name="акт в системе",
    )
    sheet_from = models.PositiveIntegerField("с листа")
    sheet_to = models.PositiveIntegerField("по лист")
    scan = models.FileField("скан", upload_to="paper/%Y/", blank=True)
    scan_name = models.CharField("имя файла скана", max_length=255, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)

    # The register of what lies where is a record of its own: entries are never deleted.
    DB_WRITES = dbroles.NEVER_DELETED

    class Meta:
        ordering = ["case", "sheet_from"]
        verbose_name = "подлинник на бумаге"
        verbose_name_plural = "подлинники на бумаге"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sheet_from__gte=1) & models.Q(sheet_to__gte=models.F("sheet_from")),
                name="paper_original_sheets_ordered",
            ),
            # A link names a record of the original's own kind, and only that one.
            models.CheckConstraint(
                condition=models.Q(protocol__isnull=True) | models.Q(kind="protocol"),
                name="paper_original_protocol_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(destruction_act__isnull=True) | models.Q(kind="destruction_act"),
                name="paper_original_act_kind",
            ),
            # A signed protocol has one paper original.
            models.UniqueConstraint(
                fields=["protocol"],
                condition=models.Q(protocol__isnull=False),
                name="one_original_per_protocol",
            ),
            models.UniqueConstraint(
                fields=["destruction_act"],
                condition=models.Q(destruction_act__isnull=False),
                name="one_original_per_destruction_act",
            ),
            # Two originals never start on the same sheet of a case; full overlap is refused
            # under a lock of the case (services.register_original).
            models.UniqueConstraint(fields=["case", "sheet_from"], name="paper_original_first_sheet_once"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (дело № {self.case.index}, {self.sheets_label})"

    @property
    def sheets_label(self) -> str:
        if self.sheet_from == self.sheet_to:
            return f"л. {self.sheet_from}"
        return f"л. {self.sheet_from}–{self.sheet_to}"

    @property
    def linked(self) -> models.Model | None:
        return self.protocol or self.destruction_act
