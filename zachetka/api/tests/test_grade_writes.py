"""Grade writes: one cell, or a column or sheet at once (all or nothing, with a report per row),
with the grid's checks (scope, lock, deadline reason, version) and a client key for retries."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.gradebook import services as gradebook
from zachetka.gradebook.models import Grade, GradeChange

BEFORE_DEADLINE = dt.datetime(2026, 9, 11, 9, 0, tzinfo=dt.UTC)  # «Тест 1» is due 13.09.2026
BULK = "/api/v1/grades/bulk/"


@pytest.fixture
def cell(world):
    def url(enrollment: str = "own", assessment: str = "mine") -> str:
        return reverse(
            "api:grade_cell",
            args=[world["assessments"][assessment].pk, world["enrollments"][enrollment].pk],
        )

    return url


def _events(action: str) -> list[AuditEvent]:
    return AuditEvent.objects.filter(action=action).order_by("seq").opened()


def test_a_teacher_puts_a_grade_and_the_audit_names_the_token(world, teacher, api_as, cell):
    api = api_as(teacher, name="Moodle")
    response = api.put(cell(), {"value": "5", "expected_version": 0})
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"v1"'
    assert response.json()["value"] == "5"
    grade = Grade.objects.get(enrollment=world["enrollments"]["own"])
    assert (grade.value, grade.entered_by, grade.version) == ("5", teacher, 1)
    [event] = _events(audit.Action.GRADE_ENTERED)
    assert event.actor_id == teacher.pk
    assert event.data["api_token"] == "Moodle"
    assert event.data["after"]["value"] == "5"
    read = api.get(cell())
    assert (read.status_code, read["ETag"]) == (200, '"v1"')


def test_a_cell_needs_the_version_the_client_saw(world, teacher, api_as, cell):
    api = api_as(teacher)
    missing = api.put(cell(), {"value": "5"})
    assert missing.status_code == 428
    assert missing["Content-Type"] == "application/problem+json"
    assert "If-Match" in missing.json()["detail"]
    assert api.put(cell(), {"value": "5"}, **{"If-Match": '"v0"'}).status_code == 200
    stale_header = api.put(cell(), {"value": "4"}, **{"If-Match": '"v0"'})
    assert stale_header.status_code == 412
    assert stale_header.json()["detail"] == "Ячейка изменилась: сейчас её версия v1, а не v0."
    stale_body = api.put(cell(), {"value": "4", "expected_version": 0, "reason": "описка"})
    assert stale_body.status_code == 409
    assert stale_body.json()["type"] == "urn:zachetka:problem:conflict"
    assert "сейчас «5»" in stale_body.json()["detail"]
    assert Grade.objects.get(enrollment=world["enrollments"]["own"]).value == "5"


def test_a_wrong_value_is_named_with_the_scale(world, teacher, api_as, cell):
    response = api_as(teacher).put(cell(), {"value": "7", "expected_version": 0})
    assert response.status_code == 422
    assert "«7» — не оценка по шкале" in response.json()["detail"]


def test_a_locked_gradebook_refuses_the_teacher(world, teacher, director, api_as, cell):
    group = world["mine"]
    gradebook.lock_gradebook(by=director, group=group, module=group.program.modules.first())
    response = api_as(teacher).put(cell(), {"value": "5", "expected_version": 0})
    assert response.status_code == 403
    assert response.json()["detail"] == "Журнал модуля закрыт: исправить оценку может только администрация."
    assert not Grade.objects.exists()


def test_a_correction_after_the_deadline_needs_a_reason(world, teacher, api_as, cell):
    api = api_as(teacher)
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        assert api.put(cell(), {"value": "5", "expected_version": 0}).status_code == 200
    refused = api.put(cell(), {"value": "4", "expected_version": 1})
    assert refused.status_code == 422
    assert refused.json()["type"] == "urn:zachetka:problem:reason-required"
    assert refused.json()["detail"] == "Срок внесения оценок истёк 13.09.2026: укажите причину исправления."
    corrected = api.put(cell(), {"value": "4", "expected_version": 1, "reason": "апелляция"})
    assert corrected.status_code == 200
    assert GradeChange.objects.filter(new_value="4", reason="апелляция").exists()


def test_clearing_a_cell_keeps_its_history(world, teacher, api_as, cell):
    api = api_as(teacher)
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        assert api.put(cell("classmate"), {"value": "", "expected_version": 0}).status_code == 204
        api.put(cell(), {"value": "5", "expected_version": 0})
        response = api.put(cell(), {"value": "", "expected_version": 1})
    assert response.status_code == 200
    assert (response.json()["value"], response.json()["version"]) == ("", 2)
    assert Grade.objects.get().value == ""


def test_another_groups_cell_does_not_exist_for_a_teacher(world, teacher, api_as, cell):
    response = api_as(teacher).put(cell("stranger", "other"), {"value": "5", "expected_version": 0})
    assert response.status_code == 404


def _row(world, enrollment: str, value: str, assessment: str = "mine", version: int = 0) -> dict:  # noqa: ANN001
    return {
        "assessment": world["assessments"][assessment].pk,
        "enrollment": world["enrollments"][enrollment].pk,
        "value": value,
        "expected_version": version,
    }


def test_a_column_is_saved_at_once_and_audited_with_the_token(world, teacher, api_as):
    response = api_as(teacher, name="Moodle").post(
        BULK, {"grades": [_row(world, "own", "5"), _row(world, "classmate", "н")]}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["saved"] == 2
    assert [(cell["row"], cell["value"], cell["version"]) for cell in body["cells"]] == [
        (0, "5", 1),
        (1, "н/я", 1),
    ]
    assert {event.data["api_token"] for event in _events(audit.Action.GRADE_ENTERED)} == {"Moodle"}


def test_one_bad_row_refuses_the_batch_and_every_bad_row_is_named(world, teacher, api_as):
    rows = [
        _row(world, "own", "5"),
        _row(world, "classmate", "7"),
        _row(world, "stranger", "5", assessment="other"),
        {**_row(world, "classmate", "4"), "enrollment": 10**15},
    ]
    response = api_as(teacher).post(BULK, {"grades": rows})
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "urn:zachetka:problem:rows-refused"
    assert problem["detail"] == "Ни одна оценка не сохранена: строк с ошибками — 3."
    assert [(error["row"], error["code"]) for error in problem["errors"]] == [
        (1, "invalid"),
        (2, "not_found"),
        (3, "not_found"),
    ]
    assert "«7» — не оценка" in problem["errors"][0]["detail"]
    assert not Grade.objects.exists()
    assert not AuditEvent.objects.filter(action=audit.Action.GRADE_ENTERED).exists()


def test_a_batch_reports_conflicts_locks_and_missing_reasons_per_row(world, teacher, director, api_as):
    own, classmate = world["enrollments"]["own"], world["enrollments"]["classmate"]
    mine = world["assessments"]["mine"]
    gradebook.record_grade(by=teacher, assessment=mine, enrollment=own, text="5", expected_version=0)
    gradebook.record_grade(by=teacher, assessment=mine, enrollment=classmate, text="4", expected_version=0)
    response = api_as(teacher).post(
        BULK, {"grades": [_row(world, "own", "3", version=0), _row(world, "classmate", "3", version=1)]}
    )
    assert [(error["row"], error["code"]) for error in response.json()["errors"]] == [
        (0, "conflict"),
        (1, "reason_required"),
    ]
    group = world["mine"]
    gradebook.lock_gradebook(by=director, group=group, module=group.program.modules.first())
    locked = api_as(teacher, name="t2").post(BULK, {"grades": [_row(world, "own", "3", version=1)]})
    assert [(error["row"], error["code"]) for error in locked.json()["errors"]] == [(0, "forbidden")]


def test_a_malformed_batch_names_the_field(world, teacher, api_as):
    response = api_as(teacher).post(BULK, {"grades": [{"assessment": "x", "enrollment": 1, "value": "5"}]})
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"grades.0.assessment", "grades.0.expected_version"}


def test_a_retried_batch_with_its_key_is_written_once(world, teacher, api_as):
    api = api_as(teacher)
    batch = {"grades": [_row(world, "own", "5"), _row(world, "classmate", "4")]}
    first = api.post(BULK, batch, **{"Idempotency-Key": "sheet-42"})
    again = api.post(BULK, batch, **{"Idempotency-Key": "sheet-42"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert GradeChange.objects.count() == 2
    assert AuditEvent.objects.filter(action=audit.Action.GRADE_ENTERED).count() == 2
    other = api.post(
        BULK, {"grades": [_row(world, "own", "3", version=1)]}, **{"Idempotency-Key": "sheet-42"}
    )
    assert other.status_code == 409
    assert other.json()["type"] == "urn:zachetka:problem:idempotency-key-reused"


def test_a_refused_batch_gives_its_key_back(world, teacher, api_as):
    api = api_as(teacher)
    refused = api.post(BULK, {"grades": [_row(world, "own", "7")], "idempotency_key": "k1"})
    assert refused.status_code == 422
    fixed = api.post(BULK, {"grades": [_row(world, "own", "5")], "idempotency_key": "k1"})
    assert fixed.status_code == 200
    assert Grade.objects.get().value == "5"


def test_keys_belong_to_their_token(world, teacher, curator, api_as):
    batch = {"grades": [_row(world, "own", "5")]}
    assert api_as(teacher).post(BULK, batch, **{"Idempotency-Key": "same"}).status_code == 200
    # Another integration's key of the same text is its own: its request is run (and conflicts).
    response = api_as(curator).post(BULK, batch, **{"Idempotency-Key": "same"})
    assert [error["code"] for error in response.json()["errors"]] == ["conflict"]


def test_an_empty_cell_is_a_russian_404(world, registrar, api_as, cell):
    response = api_as(registrar).get(cell())
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assessment, enrollment = world["assessments"]["mine"], world["enrollments"]["own"]
    assert response.json()["detail"] == (
        f"Ячейка пуста или недоступна: оценки по зачислению № {enrollment.pk} "
        f"в мероприятии № {assessment.pk} нет."
    )
    assert response.json()["title"] == "Не найдено"


def test_an_enrolment_outside_the_assessments_group_is_a_russian_404(world, registrar, api_as, cell):
    response = api_as(registrar).put(cell("stranger"), {"value": "5", "expected_version": 0})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    stranger = world["enrollments"]["stranger"]
    assert response.json()["detail"] == f"Зачисление № {stranger.pk} не найдено в группе мероприятия."
    assert not Grade.objects.exists()
