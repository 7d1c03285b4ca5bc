"""Assessment writes: a column is added (POST assessments/) and changed (PATCH assessments/{id}/)
through the gradebook's own services, with the HTML form's checks, its scope and its version rule,
audited with the token's name."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.gradebook import services as gradebook
from zachetka.gradebook.models import Assessment, GradingScale

LIST = "/api/v1/assessments/"


def _detail(assessment: Assessment) -> str:
    return reverse("api:assessment_detail", args=[assessment.pk])


def _new(world, group: str = "mine", **fields) -> dict:
    group = world[group]
    return {
        "group": group.pk,
        "module": group.program.modules.first().pk,
        "held_on": "2026-10-01",
        "title": "Контрольная работа",
        "scale": GradingScale.objects.get(kind=GradingScale.Kind.FIVE_POINT).pk,
        **fields,
    }


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq").opened())


def test_a_teacher_adds_an_assessment_and_the_audit_names_the_token(world, teacher, api_as):
    response = api_as(teacher, name="Moodle").post(LIST, _new(world, kind="control", weight="2"))
    assert response.status_code == 201, response.content
    body = response.json()
    created = Assessment.objects.get(pk=body["id"])
    assert (created.group, created.title, created.kind, created.weight) == (
        world["mine"],
        "Контрольная работа",
        "control",
        Decimal(2),
    )
    assert created.created_by == teacher
    assert created.due_on > created.held_on  # the default deadline, as the form leaves it
    assert body["version"] == created.version == 1
    assert body["due_on"] == created.due_on.isoformat()
    [event] = _events(audit.Action.ASSESSMENT_CREATED)
    assert event.actor_id == teacher.pk
    assert event.data["api_token"] == "Moodle"
    assert event.data["after"]["title"] == "Контрольная работа"


def test_a_teacher_of_another_group_is_refused(world, teacher, api_as):
    other_module = _new(world, "other")
    response = api_as(world["other_teacher"]).post(LIST, _new(world))
    assert response.status_code == 422  # the group is not theirs to see: named, not disclosed
    assert response.json()["errors"] == [{"field": "group", "detail": "Не найдена."}]
    refused = api_as(teacher).post(LIST, other_module)
    assert refused.status_code == 422
    assert Assessment.objects.count() == 2  # the two of the world only


def test_the_registry_adds_to_any_group_and_a_learner_to_none(world, registrar, learner_user, api_as):
    assert api_as(registrar).post(LIST, _new(world, "other")).status_code == 201
    refused = api_as(learner_user).post(LIST, _new(world))
    assert refused.status_code == 403
    assert Assessment.objects.count() == 3


def test_an_invalid_field_is_named_in_russian(world, teacher, api_as):
    api = api_as(teacher)
    weight = api.post(LIST, _new(world, weight="0"))
    assert weight.status_code == 400
    assert weight["Content-Type"] == "application/problem+json"
    assert weight.json()["errors"] == [{"field": "weight", "detail": "Вес должен быть больше нуля."}]
    due = api.post(LIST, _new(world, due_on="2026-09-30"))
    assert due.status_code == 400
    assert due.json()["errors"] == [
        {"field": "due_on", "detail": "Срок внесения оценок не может быть раньше даты мероприятия."}
    ]
    scale = api.post(LIST, _new(world, scale=999999))
    assert scale.json()["errors"] == [{"field": "scale", "detail": "Действующей шкалы № 999999 нет."}]
    missing = api.post(LIST, {"group": world["mine"].pk})
    assert {error["field"] for error in missing.json()["errors"]} == {"module", "held_on", "title", "scale"}
    assert Assessment.objects.count() == 2


def test_a_module_of_another_program_is_named(world, teacher, api_as):
    response = api_as(teacher).post(LIST, _new(world, module=world["other"].program.modules.first().pk))
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "module", "detail": "Не входит в программу группы."}]


def test_a_module_the_teacher_does_not_teach_is_forbidden(world, teacher, curator, api_as):
    practicum = world["mine"].program.modules.get(order=2)
    refused = api_as(teacher).post(LIST, _new(world, module=practicum.pk))
    assert refused.status_code == 403
    assert (
        refused.json()["detail"]
        == "Мероприятия добавляют преподаватели этого модуля, куратор и учебная часть."
    )
    assert api_as(curator).post(LIST, _new(world, module=practicum.pk)).status_code == 201


def test_an_idempotency_key_adds_the_column_once(world, teacher, api_as):
    api = api_as(teacher)
    first = api.post(LIST, _new(world), **{"Idempotency-Key": "column-1"})
    again = api.post(LIST, _new(world), **{"Idempotency-Key": "column-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Assessment.objects.filter(title="Контрольная работа").count() == 1
    other = api.post(LIST, _new(world, title="Другая"), **{"Idempotency-Key": "column-1"})
    assert other.status_code == 409
    assert other.json()["type"] == "urn:zachetka:problem:idempotency-key-reused"


def test_a_teacher_edits_with_the_version_seen(world, teacher, api_as):
    api = api_as(teacher, name="Moodle")
    assessment = world["assessments"]["mine"]
    read = api.get(_detail(assessment))
    assert (read.status_code, read["ETag"], read.json()["version"]) == (200, '"v1"', 1)
    missing = api.patch(_detail(assessment), {"title": "Тест 1 (устно)"})
    assert missing.status_code == 428
    changed = api.patch(_detail(assessment), {"title": "Тест 1 (устно)", "version": 1})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["title"], changed["ETag"]) == ("Тест 1 (устно)", '"v2"')
    assessment.refresh_from_db()
    assert (assessment.title, assessment.version, assessment.held_on) == (
        "Тест 1 (устно)",
        2,
        dt.date(2026, 9, 10),
    )
    [event] = _events(audit.Action.ASSESSMENT_UPDATED)
    assert event.data["api_token"] == "Moodle"
    assert event.data["after"] == {"title": "Тест 1 (устно)"}
    stale = api.patch(_detail(assessment), {"title": "Старое"}, **{"If-Match": '"v1"'})
    assert stale.status_code == 409
    assert stale.json()["type"] == "urn:zachetka:problem:conflict"
    assessment.refresh_from_db()
    assert assessment.title == "Тест 1 (устно)"


def test_an_edit_is_checked_as_the_form_checks(world, teacher, api_as):
    api = api_as(teacher)
    assessment = world["assessments"]["mine"]
    late = api.patch(_detail(assessment), {"held_on": "2026-09-20", "version": 1})
    assert late.status_code == 422  # after the stored deadline (13.09.2026)
    assert late.json()["errors"][0]["field"] == "due_on"
    weight = api.patch(_detail(assessment), {"weight": "-1", "version": 1})
    assert weight.json()["errors"] == [{"field": "weight", "detail": "Вес должен быть больше нуля."}]
    moved = api.patch(_detail(assessment), {"held_on": "2026-09-20", "due_on": None, "version": 1})
    assert moved.status_code == 200, moved.content
    assessment.refresh_from_db()
    assert assessment.due_on > assessment.held_on == dt.date(2026, 9, 20)


def test_another_groups_assessment_is_not_editable(world, teacher, curator, api_as):
    other = world["assessments"]["other"]
    assert api_as(teacher).patch(_detail(other), {"title": "x", "version": 1}).status_code == 404
    assert api_as(curator).patch(_detail(other), {"title": "x", "version": 1}).status_code == 404
    other.refresh_from_db()
    assert other.title == "Тест 1"


def test_a_closed_gradebook_takes_no_new_or_changed_columns(world, teacher, director, api_as):
    group = world["mine"]
    gradebook.lock_gradebook(by=director, group=group, module=group.program.modules.first())
    api = api_as(teacher)
    added = api.post(LIST, _new(world))
    assert added.status_code == 422
    assert added.json()["detail"] == "Журнал модуля закрыт: новые мероприятия не добавляются."
    changed = api.patch(_detail(world["assessments"]["mine"]), {"title": "x", "version": 1})
    assert changed.status_code == 422
    assert changed.json()["detail"] == "Журнал модуля закрыт: мероприятия не меняются."
    assert Assessment.objects.count() == 2
