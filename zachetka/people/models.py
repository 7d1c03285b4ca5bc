from typing import Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.urls import reverse

from zachetka.core import access, collation, names, snils, validators

RUSSIA_OKSM = "643"


class LearnerQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> Self:
        return self.filter(access.learner_scope(user))

    def search(self, text: str, *, by_snils: bool) -> Self:
        """Match every word of `text` against surname, name, patronymic, any case, and СНИЛС when
        `by_snils` (only for those who see it: a match would confirm a number they may not see)."""
        queryset = self
        for word in names.search_key(text).split():
            digits = word.replace("-", "")
            if by_snils and digits.isdigit():
                queryset = queryset.filter(
                    models.Q(snils__contains=digits) | models.Q(search_key__contains=word)
                )
            else:
                queryset = queryset.filter(search_key__contains=word)
        return queryset


class Learner(models.Model):
    """A person who learns, with the data the record and ФИС ФРДО need."""

    class Sex(models.TextChoices):
        MALE = "M", "мужской"
        FEMALE = "F", "женский"

    class EducationLevel(models.TextChoices):
        HIGHER = "higher", "высшее образование"
        SECONDARY_VOCATIONAL = "spo", "среднее профессиональное образование"

    # Russian order (ё with е) wherever learners are listed by name: core/collation.py.
    last_name = models.CharField(
        "фамилия",
        max_length=names.NAME_MAX_LENGTH,
        validators=[validators.validate_name_part],
        db_collation=collation.COLLATION,
    )
    first_name = models.CharField(
        "имя",
        max_length=names.NAME_MAX_LENGTH,
        validators=[validators.validate_name_part],
        db_collation=collation.COLLATION,
    )
    middle_name = models.CharField(
        "отчество",
        max_length=names.NAME_MAX_LENGTH,
        blank=True,
        validators=[validators.validate_name_part],
        db_collation=collation.COLLATION,
    )
    # Empty only once the learner's data has been destroyed by an act (depersonalised_at).
    birth_date = models.DateField("дата рождения", null=True, validators=[validators.validate_birth_date])
    sex = models.CharField("пол", max_length=1, choices=Sex)
    # Stored as 11 digits; empty means not given. Unique only when present (constraint below).
    snils = models.CharField("СНИЛС", max_length=11, blank=True, validators=[validators.validate_snils])
    citizenship = models.CharField(
        "гражданство (код ОКСМ)", max_length=3, default=RUSSIA_OKSM, validators=[validators.validate_oksm]
    )
    email = models.EmailField("электронная почта", blank=True)
    phone = models.CharField("телефон", max_length=32, blank=True, validators=[validators.validate_phone])

    education_level = models.CharField(
        "уровень образования", max_length=10, choices=EducationLevel, blank=True
    )
    # These go into documents and ФИС ФРДО: checked like names and numbers, never free text.
    diploma_last_name = models.CharField(
        "фамилия в дипломе",
        max_length=names.NAME_MAX_LENGTH,
        blank=True,
        validators=[validators.validate_name_part],
    )
    diploma_series = models.CharField(
        "серия диплома", max_length=20, blank=True, validators=[validators.validate_document_code]
    )
    diploma_number = models.CharField(
        "номер диплома", max_length=40, blank=True, validators=[validators.validate_document_code]
    )

    representative_name = models.CharField(
        "законный представитель (ФИО)",
        max_length=names.FULL_NAME_MAX_LENGTH,
        blank=True,
        validators=[validators.validate_full_name],
    )
    representative_kind = models.CharField(
        "кем приходится", max_length=50, blank=True, validators=[validators.validate_name_part]
    )
    representative_phone = models.CharField(
        "телефон представителя", max_length=32, blank=True, validators=[validators.validate_phone]
    )
    representative_email = models.EmailField("почта представителя", blank=True)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="learner",
        verbose_name="учётная запись",
    )
    # When the learner's personal data was destroyed (retention ended, by an approved act): the
    # row stays so that results and the registry book still refer to someone, depersonalised.
    depersonalised_at = models.DateTimeField("обезличен", null=True, blank=True)
    depersonalisation_basis = models.CharField("основание обезличивания", max_length=255, blank=True)

    search_key = models.CharField(max_length=200, db_index=True, editable=False, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LearnerQuerySet.as_manager()

    # Fields the audit trail compares before and after a change.
    AUDITED_FIELDS = (
        "last_name",
        "first_name",
        "middle_name",
        "birth_date",
        "sex",
        "snils",
        "citizenship",
        "email",
        "phone",
        "education_level",
        "diploma_last_name",
        "diploma_series",
        "diploma_number",
        "representative_name",
        "representative_kind",
        "representative_phone",
        "representative_email",
    )

    class Meta:
        ordering = ["last_name", "first_name", "middle_name", "pk"]
        verbose_name = "слушатель"
        verbose_name_plural = "слушатели"
        permissions = [("import_learners", "Может импортировать слушателей из файла")]
        constraints = [
            # The code "unique" makes full_clean name the field: a learner saved by someone else
            # after the service's own check is refused on «СНИЛС», not as a form-wide error.
            models.UniqueConstraint(
                fields=["snils"],
                condition=~models.Q(snils=""),
                name="learner_snils_unique_when_present",
                violation_error_code="unique",
                violation_error_message="Этот СНИЛС уже указан у другого слушателя.",
            ),
            models.CheckConstraint(condition=models.Q(sex__in=["M", "F"]), name="learner_sex_valid"),
            models.CheckConstraint(
                condition=models.Q(birth_date__isnull=False) | models.Q(depersonalised_at__isnull=False),
                name="learner_birth_date_unless_depersonalised",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("web:learner_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return names.full_name(self.last_name, self.first_name, self.middle_name)

    @property
    def short_name(self) -> str:
        return names.short_name(self.last_name, self.first_name, self.middle_name)

    @property
    def snils_display(self) -> str:
        return snils.format_snils(self.snils)

    def refresh_search_key(self) -> None:
        self.search_key = names.search_key(self.last_name, self.first_name, self.middle_name)
