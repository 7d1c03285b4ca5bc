"""The organisation's requisites: the names, place, licence and signatories its documents print.

They are data the administration edits, not template text: one row, changed only through
`services.update_requisites`, every change audited."""

from django.conf import settings
from django.db import models

from zachetka.core import dbroles, names


class Requisites(models.Model):
    """The one row of requisites (a database check allows no other)."""

    SINGLE_ROW_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLE_ROW_ID, editable=False)
    full_name = models.CharField(
        "полное наименование",
        max_length=500,
        help_text="Как в уставе и лицензии; печатается в заголовке каждого документа.",
    )
    short_name = models.CharField("сокращённое наименование", max_length=150)
    city = models.CharField(
        "населённый пункт",
        max_length=100,
        help_text="С обозначением, как на документах: «г. Москва», «пгт Октябрьский».",
    )
    address = models.CharField("адрес", max_length=500, blank=True)
    licence_number = models.CharField(
        "номер лицензии на образовательную деятельность",
        max_length=50,
        blank=True,
        help_text="Пустое поле — строка о лицензии на документах не печатается.",
    )
    licence_date = models.DateField("дата лицензии", null=True, blank=True)
    head_post = models.CharField(
        "должность руководителя", max_length=100, help_text="Как под подписью: «Директор», «Ректор»."
    )
    head_name = models.CharField(
        "ФИО руководителя",
        max_length=names.FULL_NAME_MAX_LENGTH,
        blank=True,
        help_text="Фамилия Имя Отчество",
    )
    secretary_name = models.CharField(
        "ФИО секретаря", max_length=names.FULL_NAME_MAX_LENGTH, blank=True, help_text="Фамилия Имя Отчество"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    # The row is corrected, never removed: documents print it.
    DB_WRITES = dbroles.NEVER_DELETED

    AUDITED_FIELDS = (
        "full_name",
        "short_name",
        "city",
        "address",
        "licence_number",
        "licence_date",
        "head_post",
        "head_name",
        "secretary_name",
    )
    # Fields a document cannot do without: flagged «заполните» while empty.
    NEEDED_FIELDS = ("full_name", "short_name", "city", "address", "head_post", "head_name", "secretary_name")
    # Seeded with a placeholder: flagged until the administration has saved the requisites once.
    PLACEHOLDER_FIELDS = ("city",)

    class Meta:
        verbose_name = "реквизиты организации"
        verbose_name_plural = "реквизиты организации"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="requisites_single_row"),
            models.CheckConstraint(
                condition=(models.Q(licence_number="") & models.Q(licence_date__isnull=True))
                | (~models.Q(licence_number="") & models.Q(licence_date__isnull=False)),
                name="requisites_licence_number_with_date",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.full_name

    @property
    def is_edited(self) -> bool:
        """Saved by the administration at least once (else the seeded placeholders stand)."""
        return self.updated_at is not None

    def to_fill(self) -> list[str]:
        """Names of the fields to fill in before documents are printed."""
        missing = [name for name in self.NEEDED_FIELDS if not str(getattr(self, name)).strip()]
        if not self.is_edited:
            missing += [name for name in self.PLACEHOLDER_FIELDS if name not in missing]
        return missing

    @property
    def head_signature(self) -> str:
        """«О. В. Кузнецова»: the name typed under the head's signature line."""
        return names.initials_and_surname(self.head_name)

    @property
    def secretary_signature(self) -> str:
        return names.initials_and_surname(self.secretary_name)

    @property
    def has_licence(self) -> bool:
        return bool(self.licence_number)


class Deadlines(models.Model):
    """The organisation's own deadlines, in days (one row; a database check allows no other).

    A field left empty means the installation's default from settings; the administration sets
    a value on the «Сроки» page (`services.update_deadlines`), and `selectors.deadlines()` is the
    one place services read them from."""

    SINGLE_ROW_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLE_ROW_ID, editable=False)
    grade_entry_days = models.PositiveSmallIntegerField(
        "срок внесения оценок, дней",
        null=True,
        blank=True,
        help_text="Сколько дней после даты мероприятия даётся на внесение оценок (п. 7.1).",
    )
    academic_debt_days = models.PositiveSmallIntegerField(
        "срок ликвидации академической задолженности, дней",
        null=True,
        blank=True,
        help_text="Считается от даты аттестации; в пределах года (ч. 5 ст. 58 273-ФЗ).",
    )
    frdo_report_days = models.PositiveSmallIntegerField(
        "срок внесения документа в ФИС ФРДО, дней",
        null=True,
        blank=True,
        help_text="Сколько дней после выдачи документа даётся на передачу сведений в ФИС ФРДО.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    DB_WRITES = dbroles.NEVER_DELETED

    # Field → (setting with the default, smallest and largest value the page accepts).
    FIELDS = {
        "grade_entry_days": ("GRADE_ENTRY_DEADLINE_DAYS", 1, 60),
        "academic_debt_days": ("ACADEMIC_DEBT_DAYS", 1, 365),
        "frdo_report_days": ("FRDO_REPORT_DAYS", 1, 180),
    }

    class Meta:
        verbose_name = "сроки организации"
        verbose_name_plural = "сроки организации"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="deadlines_single_row")]

    def __str__(self) -> str:
        return "Сроки организации"
