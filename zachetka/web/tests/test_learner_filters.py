"""The learner list's filters and counts see only enrolments the user may see: a curator cannot
learn which of their learners also study in another curator's group, or how it went there."""

import datetime as dt

from django.urls import reverse

from zachetka.programs.models import Enrollment


def _names(client, **params) -> list[str]:
    response = client.get(reverse("web:learner_list"), params)
    assert response.status_code == 200
    return [learner.last_name for learner in response.context["page"]]


def test_a_foreign_group_filter_finds_nobody(client, curator, world, make_enrollment):
    make_enrollment(
        world["own"],
        world["other"],
        status=Enrollment.Status.EXPELLED,
        expulsion_order_number="12-к",
        expulsion_order_date=dt.date(2026, 10, 1),
    )
    client.force_login(curator)
    assert _names(client) == ["Петров", "Смирнова"]
    assert _names(client, group=world["mine"].pk) == ["Петров", "Смирнова"]
    assert _names(client, group=world["other"].pk) == []
    assert _names(client, program=world["other"].program_id) == []
    assert _names(client, status=Enrollment.Status.EXPELLED) == []
    counts = {
        learner.last_name: learner.enrollment_count
        for learner in client.get(reverse("web:learner_list")).context["page"]
    }
    assert counts == {"Петров": 1, "Смирнова": 1}


def test_the_registry_still_filters_by_any_group(client, registrar, world, make_enrollment):
    make_enrollment(world["own"], world["other"])
    client.force_login(registrar)
    assert _names(client, group=world["other"].pk) == ["Сидорова", "Смирнова"]
    assert {
        learner.enrollment_count for learner in client.get(reverse("web:learner_list")).context["page"]
    } == {
        1,
        2,
    }
