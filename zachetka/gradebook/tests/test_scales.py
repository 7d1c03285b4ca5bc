import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zachetka.gradebook import scales
from zachetka.gradebook.models import ABSENT_MARK, GradingScale, ScaleValue


@pytest.fixture
def scale(db):
    return lambda kind: GradingScale.objects.get(kind=kind)


@pytest.mark.parametrize(
    ("typed", "value", "passing", "points"),
    [
        ("5", "5", True, 100),
        ("отл", "5", True, 100),
        (" 4 ", "4", True, 80),
        ("удовл", "3", True, 60),
        ("2", "2", False, 0),
        ("неуд", "2", False, 0),
    ],
)
def test_five_point_scale(scale, typed, value, passing, points):
    mark = scale(GradingScale.Kind.FIVE_POINT).interpret(typed)
    assert (mark.value, mark.is_passing, mark.points) == (value, passing, Decimal(points))


@pytest.mark.parametrize(
    ("typed", "value", "passing"),
    [
        ("зачтено", "зачтено", True),
        ("ЗАЧ", "зачтено", True),
        ("+", "зачтено", True),
        ("не зачтено", "не зачтено", False),
        ("незач", "не зачтено", False),
        ("-", "не зачтено", False),
    ],
)
def test_pass_fail_scale(scale, typed, value, passing):
    mark = scale(GradingScale.Kind.PASS_FAIL).interpret(typed)
    assert (mark.value, mark.is_passing) == (value, passing)


@pytest.mark.parametrize(
    ("typed", "passing", "label"),
    [
        ("100", True, "отлично"),
        ("85", True, "отлично"),
        ("84", True, "хорошо"),
        ("50", True, "удовлетворительно"),
        ("49", False, "неудовлетворительно"),
        ("0", False, "неудовлетворительно"),
    ],
)
def test_hundred_point_scale_maps_to_five_point_bands(scale, typed, passing, label):
    mark = scale(GradingScale.Kind.HUNDRED_POINT).interpret(typed)
    assert (mark.value, mark.is_passing, mark.label, mark.points) == (typed, passing, label, Decimal(typed))


@pytest.mark.parametrize(
    ("kind", "typed"),
    [
        (GradingScale.Kind.FIVE_POINT, "6"),
        (GradingScale.Kind.FIVE_POINT, "5+"),
        (GradingScale.Kind.PASS_FAIL, "5"),
        (GradingScale.Kind.HUNDRED_POINT, "101"),
        (GradingScale.Kind.HUNDRED_POINT, "87.5"),
        (GradingScale.Kind.HUNDRED_POINT, "-1"),
        (GradingScale.Kind.HUNDRED_POINT, "много"),
    ],
)
def test_values_off_the_scale_are_refused_in_russian(scale, kind, typed):
    with pytest.raises(ValidationError, match=re.escape(f"«{typed}» — не оценка по шкале")):
        scale(kind).interpret(typed)


@pytest.mark.parametrize("kind", list(GradingScale.Kind.values)[:3])
@pytest.mark.parametrize("typed", ["н", "Н/Я", "ня"])
def test_absence_mark_is_not_a_grade_and_does_not_pass(scale, kind, typed):
    mark = scale(kind).interpret(typed)
    assert mark.value == ABSENT_MARK and mark.is_absent and not mark.is_passing


def test_custom_scale_from_data(db):
    custom = GradingScale.objects.create(title="Уровни", kind=GradingScale.Kind.CUSTOM)
    ScaleValue.objects.create(scale=custom, order=1, code="В", label="высокий", points=100, is_passing=True)
    ScaleValue.objects.create(scale=custom, order=2, code="С", label="средний", points=70, is_passing=True)
    ScaleValue.objects.create(
        scale=custom, order=3, code="Л", label="низкий", points=20, is_passing=False, aliases="низ, низкий"
    )
    assert custom.interpret("с").value == "С"
    assert not custom.interpret("низкий").is_passing
    with pytest.raises(ValidationError, match="допустимо «В», «С», «Л»"):
        custom.interpret("А")


def test_scale_value_may_not_look_like_an_absence(db):
    custom = GradingScale.objects.create(title="Уровни", kind=GradingScale.Kind.CUSTOM)
    with pytest.raises(ValidationError, match="неявк"):
        ScaleValue(scale=custom, code="Н", label="низкий", points=0).full_clean()
    with pytest.raises(ValidationError, match="неявк"):
        ScaleValue(scale=custom, code="Л", aliases="н, низ", points=0).full_clean()


@pytest.mark.parametrize(
    ("kind", "value", "sex", "words"),
    [
        (GradingScale.Kind.FIVE_POINT, "5", "M", "отлично (5)"),
        (GradingScale.Kind.FIVE_POINT, "3", "F", "удовлетворительно (3)"),
        (GradingScale.Kind.FIVE_POINT, "2", "", "неудовлетворительно (2)"),
        (GradingScale.Kind.PASS_FAIL, "зачтено", "M", "зачтено"),
        (GradingScale.Kind.PASS_FAIL, "не зачтено", "F", "не зачтено"),
        (GradingScale.Kind.HUNDRED_POINT, "87", "M", "отлично (87 баллов)"),
        (GradingScale.Kind.HUNDRED_POINT, "82", "M", "хорошо (82 балла)"),
        (GradingScale.Kind.HUNDRED_POINT, "51", "M", "удовлетворительно (51 балл)"),
        (GradingScale.Kind.FIVE_POINT, ABSENT_MARK, "F", "не явилась"),
        (GradingScale.Kind.FIVE_POINT, ABSENT_MARK, "M", "не явился"),
        (GradingScale.Kind.FIVE_POINT, ABSENT_MARK, "", "неявка"),
        (GradingScale.Kind.FIVE_POINT, "", "M", ""),
        (GradingScale.Kind.FIVE_POINT, "A+", "M", "A+"),  # a value the scale no longer knows
    ],
)
def test_results_in_words(scale, kind, value, sex, words):
    assert scales.in_words(value, scale(kind), sex=sex) == words
