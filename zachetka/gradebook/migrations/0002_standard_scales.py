"""The scales every organisation starts with; more can be added in the admin."""

from django.db import migrations

PASS_FAIL = [
    # order, code, label, aliases, points, is_passing
    (1, "зачтено", "зачтено", "зач,з,+,да", 100, True),
    (2, "не зачтено", "не зачтено", "незачтено,незач,нз,-,нет", 0, False),
]
FIVE_POINT = [
    (1, "5", "отлично", "отл", 100, True),
    (2, "4", "хорошо", "хор", 80, True),
    (3, "3", "удовлетворительно", "удовл,уд", 60, True),
    (4, "2", "неудовлетворительно", "неуд,неудовл", 0, False),
]
# 100-point bands mapped to the 5-point scale (editable per organisation in the admin).
HUNDRED_POINT = [
    (1, "85–100", "отлично", 85, 100, True),
    (2, "70–84", "хорошо", 70, 84, True),
    (3, "50–69", "удовлетворительно", 50, 69, True),
    (4, "0–49", "неудовлетворительно", 0, 49, False),
]


def create(apps, schema_editor):
    scale_model = apps.get_model("gradebook", "GradingScale")
    value_model = apps.get_model("gradebook", "ScaleValue")
    pass_fail = scale_model.objects.create(title="Зачёт (зачтено / не зачтено)", kind="pass_fail")
    for order, code, label, aliases, points, passing in PASS_FAIL:
        value_model.objects.create(
            scale=pass_fail, order=order, code=code, label=label, aliases=aliases, points=points, is_passing=passing
        )
    five = scale_model.objects.create(title="Пятибалльная", kind="five_point")
    for order, code, label, aliases, points, passing in FIVE_POINT:
        value_model.objects.create(
            scale=five, order=order, code=code, label=label, aliases=aliases, points=points, is_passing=passing
        )
    hundred = scale_model.objects.create(title="Стобалльная", kind="hundred_point")
    for order, code, label, low, high, passing in HUNDRED_POINT:
        value_model.objects.create(
            scale=hundred, order=order, code=code, label=label, min_score=low, max_score=high,
            points=low, is_passing=passing,
        )


class Migration(migrations.Migration):
    dependencies = [("gradebook", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
