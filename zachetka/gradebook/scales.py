"""The scales every organisation starts with; more can be added in the admin.

Created after every `migrate` (and after a test database is flushed) if missing, so an install
always has them; an organisation's later edits in the admin are kept.
"""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from zachetka.core import grammar, plural

if TYPE_CHECKING:
    from zachetka.gradebook.models import GradingScale, ScaleValue

PASS_FAIL = [
    # order, code, label, aliases, points, is_passing
    (1, "зачтено", "зачтено", "зачет,зач,з,+,да", 100, True),
    (2, "не зачтено", "не зачтено", "незачтено,незачет,незач,нз,-,нет", 0, False),
]
FIVE_POINT = [
    (1, "5", "отлично", "отл", 100, True),
    (2, "4", "хорошо", "хор", 80, True),
    (3, "3", "удовлетворительно", "удовл,уд", 60, True),
    (4, "2", "неудовлетворительно", "неуд,неудовл", 0, False),
]
# 100-point bands mapped to the 5-point scale: order, code, label, from, to, is_passing.
HUNDRED_POINT = [
    (1, "85–100", "отлично", 85, 100, True),
    (2, "70–84", "хорошо", 70, 84, True),
    (3, "50–69", "удовлетворительно", 50, 69, True),
    (4, "0–49", "неудовлетворительно", 0, 49, False),
]


def ensure_standard_scales(**kwargs: Any) -> None:
    from zachetka.gradebook.models import GradingScale, ScaleValue

    kinds = set(GradingScale.objects.values_list("kind", flat=True))
    if GradingScale.Kind.PASS_FAIL not in kinds:
        scale = GradingScale.objects.create(
            title="Зачёт (зачтено / не зачтено)", kind=GradingScale.Kind.PASS_FAIL
        )
        ScaleValue.objects.bulk_create(
            [
                ScaleValue(scale=scale, order=o, code=c, label=lb, aliases=al, points=p, is_passing=ok)
                for o, c, lb, al, p, ok in PASS_FAIL
            ]
        )
    if GradingScale.Kind.FIVE_POINT not in kinds:
        scale = GradingScale.objects.create(title="Пятибалльная", kind=GradingScale.Kind.FIVE_POINT)
        ScaleValue.objects.bulk_create(
            [
                ScaleValue(scale=scale, order=o, code=c, label=lb, aliases=al, points=p, is_passing=ok)
                for o, c, lb, al, p, ok in FIVE_POINT
            ]
        )
    if GradingScale.Kind.HUNDRED_POINT not in kinds:
        scale = GradingScale.objects.create(title="Стобалльная", kind=GradingScale.Kind.HUNDRED_POINT)
        ScaleValue.objects.bulk_create(
            [
                ScaleValue(
                    scale=scale,
                    order=o,
                    code=c,
                    label=lb,
                    min_score=lo,
                    max_score=hi,
                    points=lo,
                    is_passing=ok,
                )
                for o, c, lb, lo, hi, ok in HUNDRED_POINT
            ]
        )


def in_words(
    value: str, scale: "GradingScale", *, sex: str = "", values: list["ScaleValue"] | None = None
) -> str:
    """A stored result as a protocol, a statement or a document prints it: in words, with the
    digits in brackets where the scale has them — «хорошо (4)», «зачтено», «хорошо (82 балла)»,
    «не явилась». `sex` ("M"/"F") agrees «не явился»; `values` spares a query per call when the
    caller already holds the scale's values. "" for no result; a value the scale no longer
    knows is printed as stored."""
    if not value:
        return ""
    try:
        mark = scale.interpret(value, values)
    except ValidationError:
        return value
    if mark.is_absent:
        return grammar.by_sex(sex, "не явился", "не явилась") if sex in ("M", "F") else "неявка"
    if scale.is_numeric:
        points = plural.count_with(int(mark.value), "балл", "балла", "баллов")
        return f"{mark.label} ({points})" if mark.label else points
    if not mark.label or mark.label.lower() == mark.value.lower():
        return mark.label or mark.value
    return f"{mark.label} ({mark.value})"


def on_scale(value: str, scale: "GradingScale") -> str:
    """A current grade with the scale it was given on, so a bare number cannot mislead a
    learner: «87 из 100», «4 из 5», «зачтено (зачёт/незачёт)», «неявка»."""
    from zachetka.gradebook.models import ABSENT_MARK, GradingScale

    if value == ABSENT_MARK:
        return "неявка"
    if scale.kind == GradingScale.Kind.HUNDRED_POINT:
        return f"{value} из 100"
    if scale.kind == GradingScale.Kind.FIVE_POINT:
        return f"{value} из 5"
    if scale.kind == GradingScale.Kind.PASS_FAIL:
        return f"{value} (зачёт/незачёт)"
    return f"{value} (шкала «{scale.title}»)"
