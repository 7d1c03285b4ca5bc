"""Personal data given to third parties (152-ФЗ art. 7, 9; regulation п. 5.2): the written
consents learners give, their withdrawal with the 30-day duty of art. 21 p. 5, and the log of
every disclosure, each resting on a consent in force or on a named federal-law ground."""

import datetime as dt
from typing import Self

from django.conf import settings
from django.db import models
from django.urls import reverse

from zachetka.core import collation, dbroles

# Art. 21 p. 5: data processed on a withdrawn consent is destroyed within 30 days of receipt.
WITHDRAWAL_DUTY_DAYS = 30


class Category(models.TextChoices):
    """The categories of a learner's data a consent may cover and a disclosure may carry."""

    IDENTITY = "identity", "фамилия, имя, отчество, дата рождения, СНИЛС"
    CONTACTS = "contacts", "контактные данные (электронная почта, телефон)"
    PROGRESS = "progress", "ход обучения: программа, группа, сроки, статус"
    GRADES = "grades", "результаты промежуточной аттестации по модулям"
    FINAL = "final", "итоговая аттестация и результат обучения"
    DOCUMENTS = "documents", "выданные документы об обучении"


class ProcessingAction(models.TextChoices):
    """Actions with the data a consent allows (art. 3 p. 3 names them)."""

    COLLECT = "collect", "сбор"
    RECORD = "record", "запись"
    STORE = "store", "хранение"
    USE = "use", "использование"
    TRANSFER = "transfer", "передача (предоставление, доступ)"
    DESTROY = "destroy", "удаление, уничтожение"


def labels(choices: type[models.TextChoices], values: list[str]) -> list[str]:
    """The Russian labels of stored values, in the order of the choices."""
    return [label for value, label in choices.choices if value in values]


class Recipient(models.Model):
    """A third party that receives learners' data: an employer, a referring organisation."""

    class Kind(models.TextChoices):
        LEGAL = "legal", "юридическое лицо"
        INDIVIDUAL = "individual", "индивидуальный предприниматель или физическое лицо"

    name = models.CharField("наименование", max_length=500, db_collation=collation.COLLATION)
    kind = models.CharField("вид", max_length=10, choices=Kind, default=Kind.LEGAL)
    inn = models.CharField("ИНН", max_length=12, blank=True)
    address = models.CharField("адрес", max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # Consents and disclosures name it: never removed.
    DB_WRITES = dbroles.NEVER_DELETED

    class Meta:
        ordering = ["name"]
        verbose_name = "получатель персональных данных"
        verbose_name_plural = "получатели персональных данных"
        permissions = [("view_employer_learners", "Может видеть слушателей, давших согласие организации")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="legal") | ~models.Q(inn=""), name="legal_recipient_has_inn"
            ),
            models.UniqueConstraint(
                fields=["inn"],
                condition=~models.Q(inn=""),
                name="recipient_inn_unique",
                violation_error_code="unique",
                violation_error_message="Получатель с этим ИНН уже есть в списке.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RecipientAccount(models.Model):
    """A user who represents a recipient organisation and sees what its consents cover."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="recipient_account")
    recipient = models.ForeignKey(Recipient, models.PROTECT, related_name="accounts")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.recipient_id}"


class ConsentQuerySet(models.QuerySet):
    def current(self) -> Self:
        """Versions not superseded by a later one."""
        return self.filter(superseded_by__isnull=True)

    def in_force(self, on: dt.date) -> Self:
        """Consents that authorise a transfer on a date: the current version, signed (scan
        attached), within its period, not withdrawn by then."""
        return (
            self.current()
            .filter(valid_from__lte=on, valid_to__gte=on, scan_sha256__gt="")
            .exclude(withdrawal__received_on__lte=on)
        )

    def covering(self, *, recipient: Recipient, categories: list[str], on: dt.date) -> "Consent | None":
        """The consent in force on a date that lets `recipient` receive all of `categories`
        (categories are compared in Python: JSON containment differs between the databases)."""
        for consent in self.in_force(on).filter(recipient=recipient).order_by("-pk"):
            if consent.covers(categories):
                return consent
        return None


class Consent(models.Model):
    """A written consent of a learner (or their representative) to transfer their data to one
    recipient (152-ФЗ art. 9 p. 4). Never edited: a change is a new version superseding it."""

    learner = models.ForeignKey("people.Learner", models.PROTECT, related_name="consents")
    version = models.PositiveIntegerField("версия", default=1)
    supersedes = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="superseded_by", verbose_name="заменяет"
    )
    # The subject (art. 9 p. 4 item 1): name is the learner's; address and identity document here.
    subject_address = models.CharField("адрес субъекта", max_length=500)
    subject_id_document = models.CharField(
        "документ, удостоверяющий личность",
        max_length=300,
        help_text="Вид, серия и номер, кем и когда выдан.",
    )
    # A representative (item 2), when the consent is given by one.
    representative_name = models.CharField("ФИО представителя", max_length=200, blank=True)
    representative_address = models.CharField("адрес представителя", max_length=500, blank=True)
    representative_id_document = models.CharField("документ представителя", max_length=300, blank=True)
    representative_authority = models.CharField(
        "документ о полномочиях представителя",
        max_length=300,
        blank=True,
        help_text="Доверенность: номер, дата.",
    )
    # The operator (item 3), as the requisites were when the consent was drawn up.
    operator_name = models.CharField("оператор", max_length=500)
    operator_address = models.CharField("адрес оператора", max_length=500)
    recipient = models.ForeignKey(
        Recipient, models.PROTECT, related_name="consents", verbose_name="получатель"
    )
    purpose = models.TextField("цель обработки")
    categories = models.JSONField("перечень данных", default=list)
    actions = models.JSONField("действия с данными", default=list)
    methods = models.CharField(
        "способы обработки", max_length=300, default="смешанная обработка, с передачей по защищённым каналам"
    )
    valid_from = models.DateField("действует с")
    valid_to = models.DateField("действует по")
    withdrawal_method = models.TextField("способ отзыва")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The signed paper, scanned back: attached once; until then the consent authorises nothing.
    signed_on = models.DateField("дата подписания", null=True, blank=True)
    scan = models.FileField(upload_to="consents/%Y/", blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    scan_attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    SCAN_FIELDS = ("signed_on", "scan", "scan_sha256", "scan_attached_by")
    DB_WRITES = dbroles.updates_only(*SCAN_FIELDS)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "согласие на передачу персональных данных"
        verbose_name_plural = "согласия на передачу персональных данных"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")), name="consent_period"
            ),
            models.CheckConstraint(
                condition=models.Q(scan_sha256="") | models.Q(signed_on__isnull=False),
                name="consent_scan_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"Согласие № {self.pk} (версия {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("privacy:consent_detail", args=[self.pk])

    @property
    def category_labels(self) -> list[str]:
        return labels(Category, self.categories)

    @property
    def action_labels(self) -> list[str]:
        return labels(ProcessingAction, self.actions)

    @property
    def is_signed(self) -> bool:
        return bool(self.scan_sha256)

    def covers(self, categories: list[str]) -> bool:
        return set(categories) <= set(self.categories)


class Withdrawal(models.Model):
    """A consent withdrawn (art. 9 p. 2): from its receipt the consent authorises nothing, and
    the data processed on it is to be destroyed within 30 days (art. 21 p. 5): a task, closed
    with a note saying what was done."""

    consent = models.OneToOneField(Consent, models.PROTECT, related_name="withdrawal")
    received_on = models.DateField("дата поступления отзыва")
    scan = models.FileField(upload_to="consents/withdrawals/%Y/")
    scan_sha256 = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_note = models.TextField("что сделано", blank=True)

    CLOSING_FIELDS = ("closed_at", "closed_by", "close_note")
    DB_WRITES = dbroles.updates_only(*CLOSING_FIELDS)

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name = "отзыв согласия"
        verbose_name_plural = "отзывы согласий"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | ~models.Q(close_note=""),
                name="withdrawal_closed_with_note",
            )
        ]

    def __str__(self) -> str:
        return f"Отзыв согласия № {self.consent_id}"

    @property
    def due_on(self) -> dt.date:
        return self.received_on + dt.timedelta(days=WITHDRAWAL_DUTY_DAYS)


class Disclosure(models.Model):
    """One transfer of a learner's data to a third party: what, to whom, how, by whom, when, on
    which consent or federal-law ground, and the very files sent with their SHA-256."""

    class Channel(models.TextChoices):
        EMAIL = "email", "электронная почта"
        PAPER = "paper", "на бумаге"
        IN_PERSON = "in_person", "лично"
        SYSTEM = "system", "система"

    learner = models.ForeignKey("people.Learner", models.PROTECT, related_name="disclosures")
    recipient = models.ForeignKey(
        Recipient, models.PROTECT, related_name="disclosures", verbose_name="получатель"
    )
    categories = models.JSONField("переданные данные", default=list)
    channel = models.CharField("способ передачи", max_length=10, choices=Channel)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    given_at = models.DateTimeField("когда")
    consent = models.ForeignKey(Consent, models.PROTECT, null=True, blank=True, related_name="disclosures")
    legal_ground = models.CharField("основание в федеральном законе", max_length=500, blank=True)
    ground_document = models.FileField(upload_to="disclosures/grounds/%Y/", blank=True)
    ground_document_sha256 = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(upload_to="disclosures/%Y/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    xlsx = models.FileField(upload_to="disclosures/%Y/", blank=True)
    xlsx_sha256 = models.CharField(max_length=64, blank=True)

    DB_WRITES = dbroles.APPEND_ONLY

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = "передача персональных данных"
        verbose_name_plural = "передачи персональных данных"
        constraints = [
            # Exactly one basis: the consent, or a ground in federal law with its document.
            models.CheckConstraint(
                condition=(models.Q(consent__isnull=False) & models.Q(legal_ground=""))
                | (
                    models.Q(consent__isnull=True)
                    & ~models.Q(legal_ground="")
                    & ~models.Q(ground_document_sha256="")
                ),
                name="disclosure_has_one_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"Передача № {self.pk}"

    @property
    def category_labels(self) -> list[str]:
        return labels(Category, self.categories)

    @property
    def basis(self) -> str:
        if self.consent_id:
            return f"согласие № {self.consent_id} (версия {self.consent.version})"
        return self.legal_ground
