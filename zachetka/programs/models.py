from typing import Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from zachetka.core import access, collation, grammar, names, plural

Actor = User | AnonymousUser


class ProgramQuerySet(models.QuerySet):
    def visible_to(self, user: Actor) -> Self:
        return self.filter(access.program_scope(user))


class Program(models.Model):
    """An educational program the organisation runs (273-ФЗ art. 76)."""

    # The law's names (273-ФЗ art. 12, 73, 75, 76).
    class Kind(models.TextChoices):
        QUALIFICATION_UPGRADE = "pk", "программа повышения квалификации"
        RETRAINING = "pp", "программа профессиональной переподготовки"
        VOCATIONAL = "po", "программа профессионального обучения"
        OTHER = "other", "дополнительная общеразвивающая программа"

    class StudyForm(models.TextChoices):
        FULL_TIME = "full_time", "очная"
        PART_TIME = "part_time", "очно-заочная"
        EXTRAMURAL = "extramural", "заочная"

    title = models.CharField("наименование", max_length=255, db_collation=collation.COLLATION)
    kind = models.CharField("вид программы", max_length=10, choices=Kind)
    hours = models.PositiveIntegerField("объём, часов")
    study_form = models.CharField(
        "форма обучения", max_length=12, choices=StudyForm, default=StudyForm.FULL_TIME
    )
    uses_distance_learning = models.BooleanField("с применением дистанционных технологий", default=False)
    qualification = models.CharField(
        "присваиваемая квалификация",
        max_length=255,
        blank=True,
        help_text="Обязательна для программы профессиональной переподготовки; для программы "
        "профессионального обучения — профессия рабочего, должность служащего.",
    )
    field_of_activity = models.CharField("область профессиональной деятельности", max_length=255, blank=True)
    curators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="curated_programs",
        verbose_name="кураторы программы",
    )
    is_active = models.BooleanField("набор открыт", default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()

    AUDITED_FIELDS = (
        "title",
        "kind",
        "hours",
        "study_form",
        "uses_distance_learning",
        "qualification",
        "field_of_activity",
        "is_active",
    )

    class Meta:
        ordering = ["title"]
        verbose_name = "программа"
        verbose_name_plural = "программы"
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="program_hours_positive"),
            models.CheckConstraint(
                condition=~models.Q(kind="pp") | ~models.Q(qualification=""),
                name="retraining_has_qualification",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programs:program_detail", args=[self.pk])

    def clean(self) -> None:
        minimum = {
            self.Kind.QUALIFICATION_UPGRADE: settings.MIN_HOURS_PK,
            self.Kind.RETRAINING: settings.MIN_HOURS_PP,
        }.get(self.kind)
        if minimum and self.hours is not None and self.hours < minimum:
            raise ValidationError(
                {
                    "hours": f"{self.get_kind_display().capitalize()} — не менее "
                    f"{plural.count_with(minimum, 'часа', 'часов', 'часов')} (п. 18 Порядка организации и "
                    "осуществления образовательной деятельности по дополнительным профессиональным "
                    "программам, утв. приказом Минобрнауки России от 24.03.2025 № 266)."
                }
            )

    @property
    def completion_document(self) -> str:
        """The document issued on passing the final attestation (273-ФЗ art. 60, 76)."""
        return COMPLETION_DOCUMENTS[self.kind]


COMPLETION_DOCUMENTS = {
    Program.Kind.QUALIFICATION_UPGRADE: "удостоверение о повышении квалификации",
    Program.Kind.RETRAINING: "диплом о профессиональной переподготовке",
    Program.Kind.VOCATIONAL: "свидетельство о профессии рабочего, должности служащего",
    Program.Kind.OTHER: "сертификат об обучении",
}


class Module(models.Model):
    """A part of a program with its own hours and form of intermediate attestation."""

    class AttestationForm(models.TextChoices):
        CREDIT = "credit", "зачёт"
        GRADED_CREDIT = "graded_credit", "дифференцированный зачёт"
        EXAM = "exam", "экзамен"
        TEST = "test", "тестирование"

    program = models.ForeignKey(Program, models.PROTECT, related_name="modules", verbose_name="программа")
    order = models.PositiveSmallIntegerField("№ по порядку")
    title = models.CharField("наименование", max_length=255)
    hours = models.PositiveIntegerField("часов")
    attestation_form = models.CharField(
        "форма промежуточной аттестации",
        max_length=16,
        choices=AttestationForm,
        default=AttestationForm.CREDIT,
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDITED_FIELDS = ("order", "title", "hours", "attestation_form")

    class Meta:
        ordering = ["program", "order"]
        verbose_name = "модуль"
        verbose_name_plural = "модули"
        constraints = [
            models.UniqueConstraint(fields=["program", "order"], name="module_order_unique_in_program"),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="module_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class GroupQuerySet(models.QuerySet):
    def visible_to(self, user: Actor) -> Self:
        return self.filter(access.group_scope(user))


class Group(models.Model):
    """A cohort that studies one program between two dates."""

    code = models.CharField("шифр группы", max_length=32, unique=True)
    program = models.ForeignKey(Program, models.PROTECT, related_name="groups", verbose_name="программа")
    starts_on = models.DateField("дата начала обучения")
    ends_on = models.DateField("дата окончания обучения")
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="curated_groups",
        verbose_name="куратор группы",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GroupQuerySet.as_manager()

    AUDITED_FIELDS = ("code", "program", "starts_on", "ends_on", "curator")

    class Meta:
        ordering = ["-starts_on", "code"]
        verbose_name = "группа"
        verbose_name_plural = "группы"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="group_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("programs:group_detail", args=[self.pk])


class TeachingAssignment(models.Model):
    """Who teaches which module in a group: the teacher's scope for grades and attestation."""

    group = models.ForeignKey(
        Group, models.CASCADE, related_name="teaching_assignments", verbose_name="группа"
    )
    module = models.ForeignKey(
        Module, models.PROTECT, related_name="teaching_assignments", verbose_name="модуль"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="teaching_assignments",
        verbose_name="преподаватель",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["module__order", *collation.collated("teacher__last_name", "teacher__first_name")]
        verbose_name = "назначение преподавателя"
        verbose_name_plural = "назначения преподавателей"
        constraints = [
            models.UniqueConstraint(fields=["group", "module", "teacher"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.group.code}: {self.module.title} — {names.user_full_name(self.teacher)}"


class EnrollmentQuerySet(models.QuerySet):
    def visible_to(self, user: Actor) -> Self:
        return self.filter(access.enrollment_scope(user))


class Enrollment(models.Model):
    """A learner's place in a group, from the admission order to completion or expulsion."""

    class Status(models.TextChoices):
        STUDYING = "studying", "обучается"
        COMPLETED = "completed", "обучение завершено"
        # The label names the status without a person; a learner's own status agrees with
        # their sex (`status_label`).
        EXPELLED = "expelled", "отчисление"
        ACADEMIC_LEAVE = "leave", "академический отпуск"

    class Outcome(models.TextChoices):
        PASSED = "passed", "итоговая аттестация пройдена"
        FAILED = "failed", "итоговая аттестация не пройдена"

    class Funding(models.TextChoices):
        INDIVIDUAL = "individual", "за счёт средств физического лица"
        EMPLOYER = "employer", "за счёт средств юридического лица"
        BUDGET = "budget", "за счёт бюджетных ассигнований"

    learner = models.ForeignKey(
        "people.Learner", models.PROTECT, related_name="enrollments", verbose_name="слушатель"
    )
    group = models.ForeignKey(Group, models.PROTECT, related_name="enrollments", verbose_name="группа")
    status = models.CharField("статус", max_length=10, choices=Status, default=Status.STUDYING)
    funding = models.CharField(
        "источник финансирования", max_length=10, choices=Funding, default=Funding.INDIVIDUAL
    )
    admission_order_number = models.CharField("№ приказа о зачислении", max_length=50, blank=True)
    admission_order_date = models.DateField("дата приказа о зачислении", null=True, blank=True)
    expulsion_order_number = models.CharField("№ приказа об отчислении", max_length=50, blank=True)
    expulsion_order_date = models.DateField("дата приказа об отчислении", null=True, blank=True)
    expulsion_reason = models.CharField("основание отчисления", max_length=255, blank=True)
    completed_on = models.DateField("дата завершения обучения", null=True, blank=True)
    # The order ending the studies of those who completed them (выпуск), issued after the final
    # attestation; an expulsion has its own order above.
    completion_order_number = models.CharField("№ приказа о завершении обучения", max_length=50, blank=True)
    completion_order_date = models.DateField("дата приказа о завершении обучения", null=True, blank=True)
    # Set when the final attestation protocol is signed; decides the document to issue.
    outcome = models.CharField("итог обучения", max_length=8, choices=Outcome, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnrollmentQuerySet.as_manager()

    AUDITED_FIELDS = (
        "status",
        "funding",
        "admission_order_number",
        "admission_order_date",
        "expulsion_order_number",
        "expulsion_order_date",
        "expulsion_reason",
        "completed_on",
        "completion_order_number",
        "completion_order_date",
        "outcome",
    )

    class Meta:
        ordering = ["group", "learner__last_name", "learner__first_name"]
        verbose_name = "зачисление"
        verbose_name_plural = "зачисления"
        constraints = [
            models.UniqueConstraint(fields=["learner", "group"], name="enrollment_unique_per_group"),
            models.CheckConstraint(
                condition=~models.Q(status="expelled")
                | (~models.Q(expulsion_order_number="") & models.Q(expulsion_order_date__isnull=False)),
                name="expulsion_has_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} — {self.group}"

    def get_absolute_url(self) -> str:
        return reverse("programs:enrollment_edit", args=[self.pk])

    @property
    def status_label(self) -> str:
        """The status as said of this learner: «отчислен» or «отчислена»."""
        if self.status == self.Status.EXPELLED:
            return grammar.by_sex(self.learner.sex, "отчислен", "отчислена")
        return self.get_status_display()
