"""Identical learner and group POSTs fired at once: with one client key exactly one writes and the
others return its stored answer; without a key the unique indexes (СНИЛС, group code) let one in
and the others are refused naming the field, never a server error."""

import pytest
from django.db import connection

from zachetka.api import services
from zachetka.api.models import IdempotencyKey
from zachetka.api.tests.conftest import post_at_once
from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.people.models import Learner
from zachetka.programs.models import Group

pytestmark = pytest.mark.django_db(transaction=True)
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="true concurrency needs a server database"
)
TIMES = 6
LEARNER = {
    "last_name": "Кузнецова",
    "first_name": "Елена",
    "sex": "F",
    "birth_date": "1991-04-12",
    "snils": "112-233-445 95",
}


def _fire(token: str, path: str, body: dict, headers: dict) -> list:
    return post_at_once(token, path, body, headers, TIMES)


@on_postgres
def test_parallel_retries_with_one_key_add_the_learner_once(registrar):
    _, token = services.create_token(name="1С", user=registrar)
    responses = _fire(token, "/api/v1/learners/", LEARNER, {"Idempotency-Key": "learner-1"})
    assert {response.status_code for response in responses} == {201}
    first = responses[0].json()
    assert all(response.json() == first for response in responses)
    assert sum(response.get("Idempotent-Replayed") == "true" for response in responses) == TIMES - 1
    assert Learner.objects.count() == IdempotencyKey.objects.count() == 1
    assert AuditEvent.objects.filter(action=audit.Action.LEARNER_CREATED).count() == 1


@on_postgres
def test_parallel_learners_with_one_snils_make_one(registrar):
    _, token = services.create_token(name="1С", user=registrar)
    responses = _fire(token, "/api/v1/learners/", LEARNER, {})
    statuses = sorted(response.status_code for response in responses)
    assert statuses.count(201) == 1
    assert set(statuses) <= {201, 422}
    refused = [response.json() for response in responses if response.status_code != 201]
    assert all([error["field"] for error in problem["errors"]] == ["snils"] for problem in refused)
    assert Learner.objects.count() == 1


@on_postgres
def test_parallel_groups_with_one_code_make_one(world, registrar):
    _, token = services.create_token(name="1С", user=registrar)
    body = {
        "code": "ОТ-2026-01",
        "program": world["mine"].program.pk,
        "starts_on": "2026-10-01",
        "ends_on": "2026-10-30",
    }
    responses = _fire(token, "/api/v1/groups/", body, {})
    statuses = sorted(response.status_code for response in responses)
    assert statuses.count(201) == 1
    assert set(statuses) <= {201, 422}
    refused = [response.json() for response in responses if response.status_code != 201]
    assert all([error["field"] for error in problem["errors"]] == ["code"] for problem in refused)
    assert Group.objects.filter(code="ОТ-2026-01").count() == 1


@on_postgres
def test_parallel_enrolments_of_one_learner_make_one(world, registrar, make_learner):
    from zachetka.programs.models import Enrollment

    newcomer = make_learner(last_name="Орлова", first_name="Дарья", middle_name="", sex="F")
    _, token = services.create_token(name="1С", user=registrar)
    body = {"learner": newcomer.pk, "group": world["mine"].pk, "funding": "employer"}
    responses = _fire(token, "/api/v1/enrollments/", body, {})
    statuses = sorted(response.status_code for response in responses)
    assert statuses.count(201) == 1
    assert set(statuses) <= {201, 422}
    refused = [response.json() for response in responses if response.status_code != 201]
    expected = f"Орлова Дарья уже зачислена в группу {world['mine'].code}."
    assert all(problem["errors"] == [{"field": "learner", "detail": expected}] for problem in refused)
    assert Enrollment.objects.filter(learner=newcomer).count() == 1
