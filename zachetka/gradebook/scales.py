"""The scales every organisation starts with; more can be added in the admin.

Created after every `migrate` (and after a test database is flushed) if missing, so an install
always has them; an organisation's later edits in the admin are kept.
"""

from typing import Any

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
