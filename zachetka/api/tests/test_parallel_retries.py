"""Identical bulk requests fired at once with one client key: the database's unique key makes
exactly one of them write; the others wait for it and return its stored answer."""

import pytest
from django.db import connection

from zachetka.api import services
from zachetka.api.models import IdempotencyKey
from zachetka.api.tests.conftest import post_at_once
from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.gradebook.models import Grade, GradeChange

pytestmark = pytest.mark.django_db(transaction=True)
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="true concurrency needs a server database"
)
TIMES = 8


def _fire(token: str, body: dict, headers: dict) -> list:
    return post_at_once(token, "/api/v1/grades/bulk/", body, headers, TIMES)


def _batch(world) -> dict:  # noqa: ANN001
    assessment = world["assessments"]["mine"].pk
    return {
        "grades": [
            {
                "assessment": assessment,
                "enrollment": world["enrollments"][key].pk,
                "value": "5",
                "expected_version": 0,
            }
            for key in ("own", "classmate")
        ]
    }


@on_postgres
def test_parallel_retries_with_one_key_write_once(world, teacher):
    _, token = services.create_token(name="Moodle", user=teacher)
    responses = _fire(token, _batch(world), {"Idempotency-Key": "sheet-2026-11-29"})
    assert {response.status_code for response in responses} == {200}
    first = responses[0].json()
    assert all(response.json() == first for response in responses)  # one answer, stored and replayed
    assert sum(response.get("Idempotent-Replayed") == "true" for response in responses) == TIMES - 1
    assert IdempotencyKey.objects.count() == 1
    assert list(Grade.objects.values_list("value", "version")) == [("5", 1), ("5", 1)]
    assert GradeChange.objects.count() == 2
    assert AuditEvent.objects.filter(action=audit.Action.GRADE_ENTERED).count() == 2
    assert list(audit.verify_chain()) == []


@on_postgres
def test_parallel_requests_without_a_key_are_refused_by_the_version_check(world, teacher):
    _, token = services.create_token(name="Moodle", user=teacher)
    responses = _fire(token, _batch(world), {})
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [422] * (TIMES - 1)
    refused = [response.json() for response in responses if response.status_code == 422]
    assert all({error["code"] for error in problem["errors"]} == {"conflict"} for problem in refused)
    assert GradeChange.objects.count() == 2
