"""The electronic gradebook (regulation п. 3.1): scales, assessments, grades and their history."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import JSONObject

from zachetka.core import access, dbroles
from zachetka.core.jsonagg import JSONList

Actor = User | AnonymousUser

# What a teacher types for «не явился»; stored as ABSENT_MARK.
ABSENT_MARK = "н/я"
ABSENT_ALIASES = frozenset({"н", "н/я", "ня", "н/я.", "неявка"})


@dataclass(frozen=True)
class Mark:
    """A typed value understood on a scale."""

    value: str  # canonical text stored in the cell ("5", "зачтено", "87", "н/я"; "" = empty)
    points: int | None  # position on 0..100 for weighted results; None when empty
    is_passing: bool
    is_absent: bool = False
    label: str = ""

    @property
    def is_empty(self) -> bool:
        return self.value == ""


EMPTY_MARK = Mark(value="", points=None, is_passing=False)
ABSENT = Mark(value=ABSENT_MARK, points=0, is_passing=False, is_absent=True, label="не явился")


class GradingScale(models.Model):
    """A scale grades are given on; its values (or score bands) know whether they pass."""

    class Kind(models.TextChoices):
        PASS_FAIL = "pass_fail", "зачтено / не зачтено"
        FIVE_POINT = "five_point", "пятибалльная"
        HUNDRED_POINT = "hundred_point", "стобалльная"
        CUSTOM = "custom", "особая"

    title = models.CharField("наименование", max_length=100, unique=True)
    kind = models.CharField("вид", max_length=16, choices=Kind)
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = "шкала оценивания"
        verbose_name_plural = "шкалы оценивания"

    def __str__(self) -> str:
        return self.title

    @property
    def is_numeric(self) -> bool:
        return self.kind == self.Kind.HUNDRED_POINT

    def allowed_hint(self, values: list["ScaleValue"] | None = None) -> str:
        values = values if values is not None else list(self.values.all())
        if self.is_numeric:
            return f"целое число от 0 до 100 или «{ABSENT_MARK}»"
        codes = ", ".join(f"«{value.code}»" for value in values)
        return f"{codes} или «{ABSENT_MARK}»"

    def interpret(self, text: str, values: list["ScaleValue"] | None = None) -> Mark:
        """Understand what was typed, or raise ValidationError naming what the scale allows.

        `values` lets a caller pass the scale's values it already holds (no query per cell).
        """
        typed = " ".join((text or "").split()).lower().replace("ё", "е")
        if not typed:
            return EMPTY_MARK
        if typed in ABSENT_ALIASES:
            return ABSENT
        values = values if values is not None else list(self.values.all())
        if self.is_numeric:
            try:
                score = Decimal(typed.replace(",", "."))
            except InvalidOperation:
                score = None
            if score is None or score != score.to_integral_value() or not 0 <= score <= 100:
                raise ValidationError(
                    f"«{text}» — не оценка по шкале «{self.title}»: {self.allowed_hint(values)}."
                )
            for band in values:
                if band.min_score is not None and band.min_score <= score <= (band.max_score or 100):
                    return Mark(str(int(score)), int(score), band.is_passing, label=band.label)
            raise ValidationError(f"Для {int(score)} баллов на шкале «{self.title}» не задан диапазон.")
        for value in values:
            if typed == value.code.lower().replace("ё", "е") or typed in value.alias_set:
                return Mark(value.code, value.points, value.is_passing, label=value.label)
        raise ValidationError(
            f"«{text}» — не оценка по шкале «{self.title}»: допустимо {self.allowed_hint(values)}."
        )


class ScaleValue(models.Model):
    """One value of an enumerated scale, or one score band of the 100-point scale."""

    scale = models.ForeignKey(GradingScale, models.CASCADE, related_name="values", verbose_name="шкала")
    order = models.PositiveSmallIntegerField("порядок", default=0)
    code = models.CharField(
        "значение", max_length=20, help_text="Как значение вводится и хранится: «5», «зачтено»."
    )
    label = models.CharField("название", max_length=50, blank=True)
    aliases = models.CharField(
        "другие написания", max_length=100, blank=True, help_text="Через запятую, например: зач, з, +"
    )
    points = models.PositiveSmallIntegerField("баллы (0–100) для итога", default=0)
    is_passing = models.BooleanField("положительная", default=True)
    min_score = models.PositiveSmallIntegerField("от (баллов)", null=True, blank=True)
    max_score = models.PositiveSmallIntegerField("до (баллов)", null=True, blank=True)

    class Meta:
        ordering = ["scale", "order"]
        verbose_name = "значение шкалы"
        verbose_name_plural = "значения шкалы"
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="scale_value_code_unique"),
            models.CheckConstraint(
                condition=models.Q(points__gte=0) & models.Q(points__lte=100), name="scale_value_points_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.label})" if self.label else self.code

    def clean(self) -> None:
        taken = ({self.code.strip().lower()} | self.alias_set) & ABSENT_ALIASES
        if taken:
            raise ValidationError(
                f"«{', '.join(sorted(taken))}» означает неявку («{ABSENT_MARK}»): выберите другое написание."
            )

    @property
    def alias_set(self) -> frozenset[str]:
        return frozenset(a.strip().lower().replace("ё", "е") for a in self.aliases.split(",") if a.strip())


_SCALE_VALUE_FIELDS = (
    "id",
    "order",
    "code",
    "label",
    "aliases",
    "points",
    "is_passing",
    "min_score",
    "max_score",
)


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user: Actor) -> Self:
        return self.filter(access.group_scope(user, prefix="group__"))

    def with_scale_values(self) -> Self:
        """Read each column's scale values with it (Assessment.scale_values()), in the same query."""
        rows = (
            ScaleValue.objects.filter(scale_id=models.OuterRef("scale_id"))
            .order_by()
            .values("scale_id")
            .annotate(rows=JSONList(JSONObject(**{name: name for name in _SCALE_VALUE_FIELDS})))
            .values("rows")
        )
        return self.annotate(scale_value_rows=models.Subquery(rows, output_field=models.JSONField()))

    def with_cell_rules(self, user: Actor) -> Self:
        """Read with each column what saving a cell checks: whether `user` may grade it and
        whether its module's gradebook is locked (services.record_grade uses them, no query)."""
        return self.annotate(
            rules_user_id=models.Value(user.pk),
            user_may_grade=access.may_grade_expression(user),
            gradebook_locked=models.Exists(
                GradebookLock.objects.filter(
                    group_id=models.OuterRef("group_id"), module_id=models.OuterRef("module_id")
                )
            ),
        )


class Assessment(models.Model):
    """A graded event of a group's module: a column of the gradebook."""

    class Kind(models.TextChoices):
        CURRENT = "current", "текущий контроль"
        PRACTICAL = "practical", "практическая работа"
        TEST = "test", "тест"
        CONTROL = "control", "контрольная работа"
        PROJECT = "project", "проект"
        OTHER = "other", "другое"

    group = models.ForeignKey(
        "programs.Group", models.PROTECT, related_name="assessments", verbose_name="группа"
    )
    module = models.ForeignKey(
        "programs.Module", models.PROTECT, related_name="assessments", verbose_name="модуль"
    )
    held_on = models.DateField("дата")
    title = models.CharField("название", max_length=120)
    kind = models.CharField("вид", max_length=12, choices=Kind, default=Kind.CURRENT)
    weight = models.DecimalField("вес", max_digits=5, decimal_places=2, default=Decimal(1))
    scale = models.ForeignKey(GradingScale, models.PROTECT, related_name="assessments", verbose_name="шкала")
    due_on = models.DateField("внести оценки до")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="создал"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AssessmentQuerySet.as_manager()

    AUDITED_FIELDS = ("held_on", "title", "kind", "weight", "scale", "due_on")

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = "контрольное мероприятие"
        verbose_name_plural = "контрольные мероприятия"
        indexes = [models.Index(fields=["group", "module", "held_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="assessment_weight_positive"),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("held_on")), name="assessment_due_after_held"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d.%m.%Y})"

    def scale_values(self) -> list["ScaleValue"] | None:
        """The scale's values in order if read with the column (`with_scale_values`), else None."""
        if not hasattr(self, "scale_value_rows"):
            return None
        values = [
            ScaleValue(scale_id=self.scale_id, **{**row, "is_passing": bool(row["is_passing"])})
            for row in self.scale_value_rows or []
        ]
        return sorted(values, key=lambda value: (value.order, value.pk))


class Grade(models.Model):
    """One cell: a learner's value for an assessment, with who entered it and when."""

    assessment = models.ForeignKey(
        Assessment, models.PROTECT, related_name="grades", verbose_name="мероприятие"
    )
    enrollment = models.ForeignKey(
        "programs.Enrollment", models.PROTECT, related_name="grades", verbose_name="зачисление"
    )
    value = models.CharField("оценка", max_length=20, blank=True)
    # 0..100, the cell's weight in the weighted result (an integer: cheap to read by the 60,000).
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    is_passing = models.BooleanField(default=False)
    is_absent = models.BooleanField(default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()
    # Entered for the first time after the assessment's deadline (п. 7.1, своевременность).
    is_late = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    # Why the value last changed. The database itself copies every change of `value` into the
    # cell's history (GradeChange) with its author, time and this reason (gradebook.guards and
    # migration 0003): no write of a grade can skip its history.
    change_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "оценка"
        verbose_name_plural = "оценки"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "enrollment"], name="grade_one_per_cell"),
        ]
        # The API's «changed since» read, polled by integrations, over the largest table.
        indexes = [models.Index(fields=["entered_at"], name="grade_entered_at")]

    def __str__(self) -> str:
        return self.value or "—"

    @property
    def on_scale(self) -> str:
        """The value with its scale, as a learner reads it: «87 из 100», «4 из 5»."""
        from zachetka.gradebook import scales

        return scales.on_scale(self.value, self.assessment.scale)


class GradeChange(models.Model):
    """The history of a cell: every value it had, who set it, when and why. Written by database
    triggers on Grade (never by the app directly)."""

    grade = models.ForeignKey(Grade, models.PROTECT, related_name="changes")
    old_value = models.CharField(max_length=20, blank=True)
    new_value = models.CharField(max_length=20, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    reason = models.TextField(blank=True)

    # History is only ever added to (a database trigger refuses changes as well).
    DB_WRITES = dbroles.APPEND_ONLY

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = "изменение оценки"
        verbose_name_plural = "история оценок"

    def __str__(self) -> str:
        return f"{self.old_value or '—'} → {self.new_value or '—'}"


class GradebookLock(models.Model):
    """Current grades of a group's module closed for entry; only the administration corrects them."""

    group = models.ForeignKey("programs.Group", models.PROTECT, related_name="gradebook_locks")
    module = models.ForeignKey("programs.Module", models.PROTECT, related_name="gradebook_locks")
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    locked_at = models.DateTimeField()
    reason = models.CharField("основание", max_length=255, blank=True)

    class Meta:
        verbose_name = "закрытие журнала"
        verbose_name_plural = "закрытые журналы"
        constraints = [models.UniqueConstraint(fields=["group", "module"], name="gradebook_lock_unique")]

    def __str__(self) -> str:
        return f"{self.group_id}/{self.module_id}"
