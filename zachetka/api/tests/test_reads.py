"""Reads: each token sees what its user sees on the pages, personal fields by role, pages of
results, filters by group and date, ETags."""

import datetime as dt

import pytest
from django.urls import reverse

from zachetka.gradebook import services as gradebook
from zachetka.gradebook.models import Assessment, GradingScale

IDENTITY_AND_CONTACTS = {"snils", "birth_date", "citizenship", "email", "phone", "representative_name"}


def _ids(response) -> set[int]:  # noqa: ANN001
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_a_teacher_sees_only_the_groups_taught(world, teacher, api_as):
    api = api_as(teacher)
    assert _ids(api.get(reverse("api:group_list"))) == {world["mine"].pk}
    assert _ids(api.get(reverse("api:learner_list"))) == {world["own"].pk, world["classmate"].pk}
    assert _ids(api.get(reverse("api:assessment_list"))) == {world["assessments"]["mine"].pk}
    stranger = api.get(reverse("api:learner_detail", args=[world["stranger"].pk]))
    assert stranger.status_code == 404
    assert stranger["Content-Type"] == "application/problem+json"


def test_the_registry_sees_every_group(world, registrar, api_as):
    api = api_as(registrar)
    assert _ids(api.get(reverse("api:group_list"))) == {world["mine"].pk, world["other"].pk}
    assert len(_ids(api.get(reverse("api:learner_list")))) == 3


def test_a_learner_token_is_refused_staff_lists(world, learner_user, api_as):
    api = api_as(learner_user)
    for name in ("api:learner_list", "api:group_list", "api:grade_list", "api:document_list"):
        response = api.get(reverse(name))
        assert response.status_code == 403, name
        assert response.json()["title"] == "Недостаточно прав"


def test_a_teacher_token_never_sees_identity_or_contacts(world, teacher, registrar, api_as):
    world["classmate"].email = "petrov@example.org"
    world["classmate"].save()
    rows = api_as(teacher).get(reverse("api:learner_list")).json()["results"]
    for row in rows:
        assert set(row) == {"id", "last_name", "first_name", "middle_name", "sex", "version"}
    detail = api_as(teacher, name="t2").get(reverse("api:learner_detail", args=[world["classmate"].pk]))
    assert not IDENTITY_AND_CONTACTS & set(detail.json())
    full = api_as(registrar).get(reverse("api:learner_detail", args=[world["classmate"].pk])).json()
    assert full["snils"] == world["classmate"].snils
    assert full["email"] == "petrov@example.org"
    assert full["birth_date"] == world["classmate"].birth_date.isoformat()


def test_a_curator_sees_contacts_but_not_identity(world, curator, api_as):
    row = api_as(curator).get(reverse("api:learner_detail", args=[world["classmate"].pk])).json()
    assert "email" in row and "phone" in row
    assert "snils" not in row and "birth_date" not in row


def test_results_come_in_pages(world, registrar, api_as):
    api = api_as(registrar)
    first = api.get(reverse("api:learner_list"), {"page_size": 2}).json()
    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert first["next"].endswith("page=2&page_size=2")
    second = api.get(reverse("api:learner_list"), {"page_size": 2, "page": 2}).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    beyond = api.get(reverse("api:learner_list"), {"page": 9})
    assert beyond.status_code == 404
    assert beyond["Content-Type"] == "application/problem+json"


def test_filters_by_group_and_date(world, director, registrar, api_as):
    group = world["mine"]
    Assessment.objects.create(
        group=group,
        module=group.program.modules.first(),
        held_on=dt.date(2026, 10, 1),
        title="Тест 2",
        scale=GradingScale.objects.get(kind=GradingScale.Kind.FIVE_POINT),
        due_on=dt.date(2026, 10, 4),
        created_by=director,
    )
    api = api_as(registrar)
    url = reverse("api:assessment_list")
    assert len(_ids(api.get(url, {"group": group.pk}))) == 2
    assert [
        row["title"] for row in api.get(url, {"group": group.pk, "since": "2026-09-20"}).json()["results"]
    ] == ["Тест 2"]
    assert len(_ids(api.get(url, {"until": "2026-09-30"}))) == 2  # both groups' «Тест 1»
    enrolled = api.get(reverse("api:enrollment_list"), {"group": world["other"].pk}).json()["results"]
    assert [row["learner"] for row in enrolled] == [world["stranger"].pk]
    assert _ids(api.get(reverse("api:group_list"), {"on": "2026-10-01"})) == {group.pk, world["other"].pk}
    assert _ids(api.get(reverse("api:group_list"), {"on": "2027-10-01"})) == set()


def test_a_wrong_filter_is_named(world, registrar, api_as):
    response = api_as(registrar).get(reverse("api:assessment_list"), {"group": "abc", "since": "31.12.2026"})
    assert response.status_code == 400
    problem = response.json()
    assert problem["type"] == "about:blank"
    assert problem["title"] == "Неверный запрос"
    assert problem["instance"].startswith("/api/v1/assessments/?")
    assert {error["field"] for error in problem["errors"]} == {"group", "since"}


def test_grades_are_listed_for_the_groups_seen(world, teacher, registrar, api_as):
    mine, other = world["assessments"]["mine"], world["assessments"]["other"]
    gradebook.record_grade(
        by=registrar, assessment=mine, enrollment=world["enrollments"]["own"], text="5", expected_version=0
    )
    gradebook.record_grade(
        by=registrar,
        assessment=other,
        enrollment=world["enrollments"]["stranger"],
        text="4",
        expected_version=0,
    )
    rows = api_as(teacher).get(reverse("api:grade_list")).json()["results"]
    assert [(row["assessment"], row["value"], row["version"]) for row in rows] == [(mine.pk, "5", 1)]
    assert (
        len(api_as(registrar).get(reverse("api:grade_list"), {"group": world["other"].pk}).json()["results"])
        == 1
    )


def test_an_unchanged_list_answers_304(world, registrar, api_as):
    api = api_as(registrar)
    url = reverse("api:learner_list")
    first = api.get(url)
    etag = first["ETag"]
    assert etag
    again = api.get(url, **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    world["classmate"].last_name = "Петровский"
    world["classmate"].save()
    changed = api.get(url, **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_unknown_addresses_answer_problem_details(db, client):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Не найдено",
        "status": 404,
        "detail": "Такого адреса в API нет.",
        "instance": "/api/v1/nothing-here/",
    }


@pytest.mark.parametrize("method", ["post", "put"])
def test_a_method_not_allowed_is_problem_details(world, registrar, api_as, method):
    response = getattr(api_as(registrar), method)(reverse("api:protocol_list"), {})
    assert response.status_code == 405
    assert response.json()["status"] == 405


def test_the_access_log_records_whom_an_answer_showed(world, teacher, api_as):
    from zachetka.accesslog.models import AccessRecord

    api = api_as(teacher)
    api.get(reverse("api:learner_list"))
    api.get(reverse("api:learner_detail", args=[world["classmate"].pk]))
    api.get(reverse("api:learner_detail", args=[world["stranger"].pk]))  # 404: nothing shown
    records = AccessRecord.objects.order_by("pk")
    assert [(record.user_id, record.view_name, set(record.learners)) for record in records] == [
        (teacher.pk, "api:learner_list", {world["own"].pk, world["classmate"].pk}),
        (teacher.pk, "api:learner_detail", {world["classmate"].pk}),
    ]
