"""Issued documents (273-ФЗ art. 60): qualification certificates and diplomas, vocational
certificates, справки об обучении and the organisation's own certificates; their registry, their
verification by the public, and their reporting to ФИС ФРДО (art. 98)."""

import secrets
from typing import Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.urls import reverse

from zachetka.core import access, collation, dbroles, names

Actor = User | AnonymousUser


def new_verification_code() -> str:
    """128 random bits: a code from a QR link cannot be guessed or enumerated."""
    return secrets.token_urlsafe(16)


class RegistrationCounter(models.Model):
    """The last registration number used in a year (see core.numbering)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    DB_WRITES = dbroles.NEVER_DELETED

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user: Actor) -> Self:
        return self.filter(access.enrollment_scope(user, prefix="enrollment__"))


class Document(models.Model):
    """One issued document, as it was filled in on its blank. Never deleted: a lost, exchanged,
    spoiled or revoked document stays in the registry with its new state."""

    class Kind(models.TextChoices):
        QUALIFICATION_CERTIFICATE = "pk", "удостоверение о повышении квалификации"
        RETRAINING_DIPLOMA = "pp", "диплом о профессиональной переподготовке"
        VOCATIONAL_CERTIFICATE = "po", "свидетельство о профессии рабочего, должности служащего"
        STUDY_CERTIFICATE = "study", "справка об обучении или о периоде обучения"
        COURSE_CERTIFICATE = "course", "сертификат об обучении"

    class Issue(models.TextChoices):
        ORIGINAL = "original", "оригинал"
        DUPLICATE = "duplicate", "дубликат (взамен утраченного)"
        EXCHANGE = "exchange", "выдан в обмен"

    class State(models.TextChoices):
        VALID = "valid", "действителен"
        LOST = "lost", "утрачен, выдан дубликат"
        EXCHANGED = "exchanged", "обменян на новый"
        DESTROYED = "destroyed", "бланк испорчен и уничтожен"
        REVOKED = "revoked", "аннулирован"
        VOIDED = "voided", "недействителен: протокол аннулирован, выдаётся вновь"

    # A learner holding one of these is not owed a document: a valid one, or one the
    # administration revoked. A spoiled blank is owed again; a lost or exchanged one is replaced.
    SETTLED = (State.VALID, State.REVOKED)

    # Documents on a blank of strict accountability; a справка is printed on plain paper.
    ON_BLANK = {Kind.QUALIFICATION_CERTIFICATE, Kind.RETRAINING_DIPLOMA, Kind.VOCATIONAL_CERTIFICATE}

    registration_number = models.CharField("регистрационный номер", max_length=30, unique=True)
    registration_year = models.PositiveSmallIntegerField(editable=False)
    registration_seq = models.PositiveIntegerField(editable=False)
    kind = models.CharField("вид документа", max_length=8, choices=Kind)
    issue = models.CharField("выдан как", max_length=10, choices=Issue, default=Issue.ORIGINAL)
    state = models.CharField("состояние", max_length=10, choices=State, default=State.VALID)
    state_reason = models.TextField("основание изменения состояния", blank=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    original = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replacements",
        verbose_name="взамен документа",
    )
    enrollment = models.ForeignKey(
        "programs.Enrollment", models.PROTECT, related_name="documents", verbose_name="обучение"
    )
    protocol = models.ForeignKey(
        "attestation.Protocol",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="протокол итоговой аттестации",
    )
    series = models.CharField("серия бланка", max_length=20, blank=True)
    number = models.CharField("номер бланка", max_length=40, blank=True)
    issued_on = models.DateField("дата выдачи")
    # The holder and the program as printed on the document (a later change of surname is an
    # exchange, not an edit).
    last_name = models.CharField("фамилия", max_length=50, db_collation=collation.COLLATION)
    first_name = models.CharField("имя", max_length=50, db_collation=collation.COLLATION)
    middle_name = models.CharField("отчество", max_length=50, blank=True, db_collation=collation.COLLATION)
    sex = models.CharField("пол", max_length=1)
    program_title = models.CharField("программа", max_length=255)
    program_kind = models.CharField("вид программы", max_length=10)
    qualification = models.CharField("квалификация", max_length=255, blank=True)
    # A свидетельство о профессии рабочего states the grade awarded (ПО; the final protocol's).
    qualification_grade = models.CharField(
        "квалификационный разряд, класс, категория", max_length=100, blank=True
    )
    field_of_activity = models.CharField("область профессиональной деятельности", max_length=255, blank=True)
    hours = models.PositiveIntegerField("объём, часов")
    studied_from = models.DateField("начало обучения")
    studied_to = models.DateField("окончание обучения")
    verification_code = models.CharField(
        max_length=32, unique=True, default=new_verification_code, editable=False
    )
    frdo_exported_at = models.DateTimeField("выгружен в ФИС ФРДО", null=True, blank=True)
    frdo_export = models.ForeignKey(
        "documents.FrdoExport", models.PROTECT, null=True, blank=True, related_name="documents"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    # What a document says never changes after issue; only its state (once, from valid) and its
    # reporting to ФИС ФРДО do. A database trigger holds the values to that.
    DB_WRITES = dbroles.updates_only(
        "state",
        "state_reason",
        "state_changed_at",
        "frdo_exported_at",
        "frdo_export",
        "version",
        "updated_at",
    )

    class Meta:
        ordering = ["registration_year", "registration_seq"]
        verbose_name = "выданный документ"
        verbose_name_plural = "выданные документы"
        constraints = [
            models.UniqueConstraint(
                fields=["registration_year", "registration_seq"], name="document_registration_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(issue="original") | models.Q(original__isnull=False),
                name="document_replacement_has_original",
            ),
            models.CheckConstraint(
                condition=models.Q(state="valid") | ~models.Q(state_reason=""),
                name="document_state_change_has_reason",
            ),
            # One valid document of a kind per enrolment: a duplicate or an exchange replaces a
            # document that is no longer valid and refers to it; each is replaced only once.
            models.UniqueConstraint(
                fields=["enrollment", "kind"],
                condition=models.Q(state="valid"),
                name="one_valid_document_per_enrollment_and_kind",
            ),
            models.UniqueConstraint(
                fields=["original"],
                condition=models.Q(original__isnull=False),
                name="document_replaced_once",
            ),
            # A blank of strict accountability carries one document, lost, exchanged or spoiled
            # as it may be since: the second line of defence behind the blanks register
            # (blanks.Blank). A record revoked as issued by mistake no longer holds its blank.
            models.UniqueConstraint(
                fields=["series", "number"],
                condition=models.Q(kind__in=["pk", "pp", "po"])
                & ~models.Q(number="")
                & ~models.Q(state="revoked"),
                name="document_blank_used_once",
            ),
        ]
        indexes = [models.Index(fields=["kind", "issued_on"]), models.Index(fields=["frdo_exported_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} рег. № {self.registration_number}"

    def get_absolute_url(self) -> str:
        return reverse("documents:document_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return names.full_name(self.last_name, self.first_name, self.middle_name)

    @property
    def short_name(self) -> str:
        """«Иванов И. И.» — the masked name the public verification shows."""
        return names.short_name(self.last_name, self.first_name, self.middle_name)

    @property
    def is_valid(self) -> bool:
        return self.state == self.State.VALID

    @property
    def series_display(self) -> str:
        return self.series or "Нет"

    def verification_path(self) -> str:
        return reverse("documents:verify_code", args=[self.verification_code])


# The document a program's kind gives on passing the final attestation (273-ФЗ art. 60, 76).
KIND_OF_PROGRAM = {
    "pk": Document.Kind.QUALIFICATION_CERTIFICATE,
    "pp": Document.Kind.RETRAINING_DIPLOMA,
    "po": Document.Kind.VOCATIONAL_CERTIFICATE,
    "other": Document.Kind.COURSE_CERTIFICATE,
}


class FrdoExport(models.Model):
    """One workbook written for ФИС ФРДО: what it held and the SHA-256 of the file."""

    template = models.CharField("шаблон", max_length=10)
    template_version = models.CharField("версия шаблона", max_length=20)
    year = models.PositiveSmallIntegerField("год выдачи")
    group = models.ForeignKey(
        "programs.Group", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="группа"
    )
    only_new = models.BooleanField("только новые и изменённые", default=True)
    rows = models.PositiveIntegerField("строк")
    sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=255)
    file = models.FileField(upload_to="frdo/%Y/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    DB_WRITES = dbroles.NEVER_DELETED

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "выгрузка в ФИС ФРДО"
        verbose_name_plural = "выгрузки в ФИС ФРДО"

    def __str__(self) -> str:
        return f"ФРДО {self.template} {self.year}: {self.rows} ({self.created_at:%d.%m.%Y %H:%M})"


class FrdoSubmission(models.Model):
    """What ФИС ФРДО was told about a document, and when: its row in an export, or a correction
    made by hand in the registry's cabinet. The latest one is what the registry holds: an export
    sends a document again only when its row now differs, and then as a change of that record."""

    document = models.ForeignKey(
        Document, models.PROTECT, related_name="frdo_submissions", verbose_name="документ"
    )
    export = models.ForeignKey(
        FrdoExport,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name="выгрузка",
        help_text="Пусто — исправлено в ФИС ФРДО вручную.",
    )
    state = models.CharField("состояние документа", max_length=10, choices=Document.State)
    # SHA-256 of the row's values, «Номер документа для изменения» left out.
    sha256 = models.CharField(max_length=64, blank=True)
    change_number = models.CharField("номер документа для изменения", max_length=30, blank=True)
    note = models.TextField("что сделано", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    DB_WRITES = dbroles.APPEND_ONLY

    class Meta:
        ordering = ["document", "pk"]
        verbose_name = "сведения, переданные в ФИС ФРДО"
        verbose_name_plural = "сведения, переданные в ФИС ФРДО"

    def __str__(self) -> str:
        how = f"выгрузка {self.export_id}" if self.export_id else "вручную"
        return f"{self.document_id}: {self.state} ({how}, {self.at:%d.%m.%Y %H:%M})"


class VerificationCheck(models.Model):
    """A check on the public verification page, kept as the log of who asked about what."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip_address = models.CharField(max_length=45, blank=True, db_index=True)
    via_code = models.BooleanField(default=False)
    registration_number = models.CharField(max_length=30, blank=True)
    document = models.ForeignKey(Document, models.PROTECT, null=True, blank=True, related_name="checks")
    found = models.BooleanField(default=False)

    # The log never changes, but the visitor's address is personal data kept only
    # ZACHETKA_VERIFICATION_IP_DAYS (manage.py erase_verification_ips): it may only be emptied.
    DB_WRITES = dbroles.updates_only("ip_address")

    class Meta:
        ordering = ["-at"]
        verbose_name = "проверка подлинности"
        verbose_name_plural = "проверки подлинности"

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.ip_address} {'найден' if self.found else 'не найден'}"
