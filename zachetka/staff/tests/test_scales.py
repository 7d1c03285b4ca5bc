"""Grading scales kept by the administration in the app: a new scale of the organisation's own,
values edited while nobody was graded on the scale, and only renamed or retired after that."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.gradebook import services as gradebook
from zachetka.gradebook.models import GradingScale
from zachetka.programs.models import TeachingAssignment
from zachetka.staff.forms import parse_values

FOUR_LEVELS = (
    "отлично | отлично | 100 | да | отл\n"
    "хорошо | хорошо | 75 | да | хор\n"
    "достаточно | достаточно | 50 | да\n"
    "недостаточно | недостаточно | 0 | нет | недост"
)


def test_director_adds_a_scale_and_teachers_grade_on_it(client, director, teacher, world):
    client.force_login(director)
    response = client.post(reverse("staff:scale_create"), {"title": "Уровни освоения", "values": FOUR_LEVELS})
    assert response.status_code == 302
    scale = GradingScale.objects.get(title="Уровни освоения")
    assert scale.kind == GradingScale.Kind.CUSTOM and scale.is_active
    assert [v.code for v in scale.values.order_by("order")] == [
        "отлично",
        "хорошо",
        "достаточно",
        "недостаточно",
    ]
    mark = scale.interpret("хор")
    assert (mark.value, mark.points, mark.is_passing) == ("хорошо", 75, True)
    assert not scale.interpret("недост").is_passing
    event = AuditEvent.objects.get(action=audit.Action.SCALE_CREATED)
    assert event.data["after"]["values"][1] == {
        "code": "хорошо",
        "label": "хорошо",
        "aliases": "хор",
        "points": "75",
        "passing": True,
        "from": None,
        "to": None,
    }
    group = world["mine"]
    module = TeachingAssignment.objects.get(group=group, teacher=teacher).module
    assessment = gradebook.create_assessment(
        by=teacher, group=group, module=module, held_on=dt.date(2026, 11, 10), title="Проект", scale=scale
    )
    assert assessment.scale == scale


def test_bad_lines_are_named(client, director):
    client.force_login(director)
    page = client.post(
        reverse("staff:scale_create"),
        {
            "title": "Плохая",
            "values": "отлично | отлично | 100 | да\nплохо | плохо | сто | нет\nн | н | 0 | нет",
        },
    ).content.decode()
    assert "Строка 2: баллы — целое число от 0 до 100, а не «сто»." in page
    assert not GradingScale.objects.filter(title="Плохая").exists()
    with pytest.raises(ValidationError, match="означает неявку"):
        gradebook.create_scale(
            by=director, title="Плохая", values=parse_values("да | да | 100 | да\nн | н | 0 | нет", False)
        )
    with pytest.raises(ValidationError, match="уже есть в строке 1"):
        gradebook.create_scale(
            by=director, title="Плохая", values=parse_values("да | да | 100 | да\nДа | д | 0 | нет", False)
        )
    with pytest.raises(ValidationError, match="неположительным"):
        gradebook.create_scale(
            by=director, title="Плохая", values=parse_values("а | а | 100 | да\nб | б | 0 | да", False)
        )


def test_values_change_while_unused_and_stand_once_used(client, director, teacher, world):
    scale = gradebook.create_scale(by=director, title="Уровни", values=parse_values(FOUR_LEVELS, False))
    client.force_login(director)
    three = "отлично | отлично | 100 | да\nхорошо | хорошо | 70 | да\nнеудовлетворительно | неуд | 0 | нет"
    response = client.post(
        reverse("staff:scale_edit", args=[scale.pk]), {"title": "Уровни", "is_active": "on", "values": three}
    )
    assert response.status_code == 302
    assert scale.values.count() == 3 and scale.interpret("хорошо").points == 70
    changed = AuditEvent.objects.get(action=audit.Action.SCALE_CHANGED)
    assert len(changed.data["before"]["values"]) == 4 and len(changed.data["after"]["values"]) == 3

    group = world["mine"]
    module = TeachingAssignment.objects.get(group=group, teacher=teacher).module
    gradebook.create_assessment(
        by=teacher, group=group, module=module, held_on=dt.date(2026, 11, 10), title="Проект", scale=scale
    )
    with pytest.raises(
        ValidationError, match="уже оценено 1 мероприятие или протокол: её значения менять нельзя"
    ):
        gradebook.update_scale(
            by=director, scale=scale, title="Уровни", is_active=True, values=parse_values(FOUR_LEVELS, False)
        )
    assert scale.values.count() == 3
    # On the page the values are locked; a rename and retirement still go through.
    page = client.get(reverse("staff:scale_edit", args=[scale.pk])).content.decode()
    assert "её значения не меняются" in page
    response = client.post(
        reverse("staff:scale_edit", args=[scale.pk]),
        {"title": "Уровни (до 2027 года)", "values": FOUR_LEVELS},
    )
    assert response.status_code == 302
    scale.refresh_from_db()
    assert scale.title == "Уровни (до 2027 года)" and not scale.is_active and scale.values.count() == 3
    renamed = AuditEvent.objects.filter(action=audit.Action.SCALE_CHANGED).latest("seq")
    assert renamed.data["after"] == {"title": "Уровни (до 2027 года)", "is_active": False}


def test_standard_hundred_point_bands_must_cover_0_to_100(director):
    scale = GradingScale.objects.get(kind=GradingScale.Kind.HUNDRED_POINT)
    gaps = parse_values("90 | 100 | отлично | да\n0 | 80 | плохо | нет", True)
    with pytest.raises(ValidationError, match="без пропусков и пересечений"):
        gradebook.update_scale(by=director, scale=scale, title=scale.title, is_active=True, values=gaps)
    whole = parse_values("60 | 100 | сдано | да\n0 | 59 | не сдано | нет", True)
    gradebook.update_scale(by=director, scale=scale, title=scale.title, is_active=True, values=whole)
    assert scale.interpret("60").is_passing and not scale.interpret("59").is_passing


def test_only_the_administration_keeps_scales(registrar):
    with pytest.raises(PermissionDenied):
        gradebook.create_scale(by=registrar, title="Своя", values=parse_values(FOUR_LEVELS, False))


def test_django_admin_shows_scales_read_only_even_to_a_superuser(client, make_user):
    root = make_user("root", is_superuser=True, is_staff=True)
    scale = GradingScale.objects.get(kind=GradingScale.Kind.FIVE_POINT)
    client.force_login(root)
    url = reverse("admin:gradebook_gradingscale_change", args=[scale.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    client.post(url, {"title": "Другая", "kind": scale.kind})
    scale.refresh_from_db()
    assert scale.title == "Пятибалльная"
