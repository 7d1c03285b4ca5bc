"""«What changed since I last asked»: learners, enrolments and grades filtered by the moment of
their last change, so an integration keeps its copy without reading everything each time; a
withdrawn grade comes too, as an empty cell. Enrolments also filter by a day of study."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from zachetka.gradebook import services as gradebook
from zachetka.gradebook.models import Grade
from zachetka.people import services as people
from zachetka.people.models import Learner
from zachetka.programs import services as programs
from zachetka.programs.models import Enrollment

LONG_AGO = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)


def _rows(response) -> list[dict]:  # noqa: ANN001
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def settled(world):
    """Every row of the world last changed long ago."""
    Learner.objects.update(updated_at=LONG_AGO)
    Enrollment.objects.update(updated_at=LONG_AGO)
    return world


def test_learners_changed_since_a_moment(settled, registrar, api_as):
    world = settled
    classmate = world["classmate"]
    people.update_learner(
        by=registrar, learner=classmate, expected_version=classmate.version, phone="+7 900 000-00-00"
    )
    api = api_as(registrar)
    url = reverse("api:learner_list")
    since = (timezone.now() - dt.timedelta(minutes=5)).isoformat()
    assert [row["id"] for row in _rows(api.get(url, {"changed_since": since}))] == [classmate.pk]
    assert len(_rows(api.get(url, {"changed_since": "2026-01-01T00:00:00+03:00"}))) == 3
    # Without a zone the moment is Moscow time, the organisation's.
    assert len(_rows(api.get(url, {"changed_since": "2026-01-10T15:00:01"}))) == 1
    assert len(_rows(api.get(url, {"changed_since": "2026-01-10T15:00:00"}))) == 3


def test_a_depersonalised_learner_counts_as_changed(settled, director, registrar, api_as):
    stranger = settled["stranger"]
    people.depersonalise(by=director, learner=stranger, basis="Акт № 1 от 30.11.2026")
    since = (timezone.now() - dt.timedelta(minutes=5)).isoformat()
    rows = _rows(api_as(registrar).get(reverse("api:learner_list"), {"changed_since": since}))
    assert [(row["id"], row["last_name"]) for row in rows] == [(stranger.pk, "Обезличено")]


def test_enrolments_changed_since_and_by_day_of_study(settled, registrar, api_as):
    world = settled
    own = world["enrollments"]["own"]
    programs.update_enrollment(
        by=registrar,
        enrollment=own,
        expected_version=own.version,
        admission_order_number="12-у",
        admission_order_date=dt.date(2026, 8, 28),
    )
    api = api_as(registrar)
    url = reverse("api:enrollment_list")
    since = (timezone.now() - dt.timedelta(minutes=5)).isoformat()
    assert [row["id"] for row in _rows(api.get(url, {"changed_since": since}))] == [own.pk]
    studying = {row["id"] for row in _rows(api.get(url, {"on": "2026-10-01"}))}
    assert studying == {enrollment.pk for enrollment in world["enrollments"].values()}
    assert _rows(api.get(url, {"on": "2027-10-01"})) == []


def test_grades_changed_since_include_a_withdrawn_one(world, registrar, api_as):
    mine = world["assessments"]["mine"]
    own, classmate = world["enrollments"]["own"], world["enrollments"]["classmate"]
    kept = gradebook.record_grade(by=registrar, assessment=mine, enrollment=own, text="5", expected_version=0)
    withdrawn = gradebook.record_grade(
        by=registrar, assessment=mine, enrollment=classmate, text="4", expected_version=0
    )
    Grade.objects.filter(pk=kept.pk).update(entered_at=LONG_AGO)
    gradebook.record_grade(
        by=registrar,
        assessment=mine,
        enrollment=classmate,
        text="",
        expected_version=withdrawn.version,
        reason="Оценка внесена не тому слушателю",
    )
    api = api_as(registrar)
    url = reverse("api:grade_list")
    since = (timezone.now() - dt.timedelta(minutes=5)).isoformat()
    assert [(row["id"], row["value"]) for row in _rows(api.get(url, {"changed_since": since}))] == [
        (withdrawn.pk, "")
    ]
    # Without the filter the list holds the grades in force only.
    assert [(row["id"], row["value"]) for row in _rows(api.get(url, {"group": world["mine"].pk}))] == [
        (kept.pk, "5")
    ]


def test_a_wrong_moment_is_named(world, registrar, api_as):
    response = api_as(registrar).get(reverse("api:grade_list"), {"changed_since": "30.11.2026 9:00"})
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["changed_since"]
