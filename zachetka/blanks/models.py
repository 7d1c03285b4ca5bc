"""Blanks of strict accountability (бланки строгой отчётности): the register of every physical
blank from its receipt to its use on a document or its write-off by an act.

Documents on a blank (удостоверение, диплом, свидетельство) are filled in on pre-printed forms
the organisation buys or makes itself (п. 17 ч. 3 ст. 28 273-ФЗ, docs/sources.md § 1.7 «~»); each form
has a series and a number and is accounted for one by one. This app sits below `documents`:
documents consume blanks, the register never imports the documents app (it refers to an issued
document by the model label only).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from zachetka.core import dbroles

# The digits a blank number ends with, and what precedes them: «000123», «А-0099».
NUMBER = re.compile(r"(.*?)(\d+)")


class BlankForm(models.TextChoices):
    """The printed form a blank is: the same codes as documents.Document.Kind for documents on a
    blank (a test holds the two lists equal), so a diploma is never printed on a certificate's
    blank."""

    QUALIFICATION_CERTIFICATE = "pk", "удостоверение о повышении квалификации"
    RETRAINING_DIPLOMA = "pp", "диплом о профессиональной переподготовке"
    VOCATIONAL_CERTIFICATE = "po", "свидетельство о профессии рабочего, должности служащего"


class BlankReceipt(models.Model):
    """A range of blanks received from the supplier (or the print shop), by its document."""

    form = models.CharField("вид бланка", max_length=4, choices=BlankForm)
    series = models.CharField("серия", max_length=20, blank=True)
    first_number = models.CharField("первый номер", max_length=40)
    last_number = models.CharField("последний номер", max_length=40)
    count = models.PositiveIntegerField("количество")
    received_on = models.DateField("дата поступления")
    supplier_document = models.CharField(
        "документ поставщика", max_length=255, help_text="Например: товарная накладная № 15 от 01.03.2026."
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="принял"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # A receipt records what arrived; it never changes. Blanks received by mistake are written
    # off by an act like any other.
    DB_WRITES = dbroles.APPEND_ONLY

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = "поступление бланков"
        verbose_name_plural = "поступления бланков"
        constraints = [
            models.CheckConstraint(condition=models.Q(count__gt=0), name="blank_receipt_not_empty")
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.first_number}–{self.last_number} от {self.received_on:%d.%m.%Y}".strip()


class WriteOffCounter(models.Model):
    """The last write-off act number used in a year (see core.numbering)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    DB_WRITES = dbroles.NEVER_DELETED

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class WriteOffAct(models.Model):
    """An act writing off spoiled blanks (испорченные бланки): when, why, and who wrote it up.
    Numbered gap-free per year; never changed."""

    number = models.CharField("номер акта", max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(editable=False)
    seq = models.PositiveIntegerField(editable=False)
    made_on = models.DateField("дата акта")
    reason = models.TextField("причина списания")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="составил"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    DB_WRITES = dbroles.APPEND_ONLY

    class Meta:
        ordering = ["-year", "-seq"]
        verbose_name = "акт списания бланков"
        verbose_name_plural = "акты списания бланков"
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="write_off_act_number_unique")]

    def __str__(self) -> str:
        return f"акт № {self.number} от {self.made_on:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("blanks:act_detail", args=[self.pk])


class Blank(models.Model):
    """One physical blank: in stock, used on one document, or spoiled and written off by an act.
    Its state only moves forward (a database trigger holds it to that) and one series and number
    is registered once, so a blank can never carry two documents."""

    class State(models.TextChoices):
        IN_STOCK = "in_stock", "на складе"
        USED = "used", "использован"
        SPOILED = "spoiled", "испорчен, списан"

    receipt = models.ForeignKey(
        BlankReceipt, models.PROTECT, related_name="blanks", verbose_name="поступление"
    )
    form = models.CharField("вид бланка", max_length=4, choices=BlankForm)
    series = models.CharField("серия", max_length=20, blank=True)
    number = models.CharField("номер", max_length=40)
    # The number split for ordering: «А-0099» is prefix «А-» and 99.
    prefix = models.CharField(max_length=40, blank=True, editable=False)
    seq = models.PositiveBigIntegerField(editable=False)
    state = models.CharField("состояние", max_length=10, choices=State, default=State.IN_STOCK)
    document = models.OneToOneField(
        "documents.Document",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="blank",
        verbose_name="документ",
    )
    used_at = models.DateTimeField("использован", null=True, blank=True)
    write_off = models.ForeignKey(
        WriteOffAct,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="blanks",
        verbose_name="акт списания",
    )

    DB_WRITES = dbroles.updates_only("state", "document", "used_at", "write_off")

    class Meta:
        ordering = ["form", "series", "prefix", "seq"]
        verbose_name = "бланк"
        verbose_name_plural = "бланки"
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="blank_series_number_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(state="in_stock", document__isnull=True, write_off__isnull=True)
                    | models.Q(state="used", document__isnull=False, write_off__isnull=True)
                    | models.Q(state="spoiled", write_off__isnull=False)
                ),
                name="blank_state_consistent",
            ),
        ]
        indexes = [models.Index(fields=["form", "series", "state", "prefix", "seq"])]

    def __str__(self) -> str:
        return label(self.series, self.number)

    def get_absolute_url(self) -> str:
        return reverse("blanks:blank_detail", args=[self.pk])


def label(series: str, number: str) -> str:
    """«УД 001208», or «б/с 001208» for a blank without a series."""
    return f"{series or 'б/с'} {number}"


def split_number(number: str, field: str = "number") -> tuple[str, int, int]:
    """A blank number as (prefix, value, width): «А-0099» → («А-», 99, 4)."""
    match = NUMBER.fullmatch(number.strip())
    if match is None:
        raise ValidationError({field: f"Номер бланка «{number}» должен оканчиваться цифрами."})
    prefix, digits = match.groups()
    return prefix, int(digits), len(digits)


def shifted_number(number: str, step: int) -> str:
    """The blank `step` places after `number`, keeping its width and prefix: «000123» + 2 →
    «000125»."""
    prefix, value, width = split_number(number, "first_number")
    return f"{prefix}{value + step:0{width}d}"
