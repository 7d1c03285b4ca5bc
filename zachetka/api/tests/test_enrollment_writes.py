"""Enrolment writes: POST enrollments/ (enrol a learner in a group) and PATCH enrollments/{id}/
(what the enrolment page changes) through programs.services, with the site's status moves and
order rules, audited with the token's name."""

import pytest
from django.urls import reverse

from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.programs.models import Enrollment

LIST = "/api/v1/enrollments/"


def _detail(enrollment: Enrollment) -> str:
    return reverse("api:enrollment_detail", args=[enrollment.pk])


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq").opened())


def _new(world, learner: str = "stranger", group: str = "mine", **fields) -> dict:
    return {"learner": world[learner].pk, "group": world[group].pk, **fields}


def test_the_registry_enrols_a_learner_and_the_audit_names_the_token(world, registrar, api_as):
    response = api_as(registrar, name="1С").post(
        LIST,
        _new(world, funding="employer", admission_order_number="15-у", admission_order_date="2026-08-28"),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    enrollment = Enrollment.objects.get(pk=body["id"])
    assert (enrollment.learner, enrollment.group, enrollment.status, enrollment.funding) == (
        world["stranger"],
        world["mine"],
        "studying",
        "employer",
    )
    assert (body["learner_name"], body["admission_order_number"], body["version"]) == (
        "Сидорова Мария",
        "15-у",
        1,
    )
    [event] = _events(audit.Action.ENROLLMENT_CREATED)
    assert (event.actor_id, event.data["api_token"]) == (registrar.pk, "1С")


@pytest.mark.parametrize("who", ["curator", "teacher", "learner_user"])
def test_roles_without_the_permission_enrol_nobody(world, api_as, who, request):
    response = api_as(request.getfixturevalue(who)).post(LIST, _new(world))
    assert response.status_code == 403
    assert Enrollment.objects.count() == 3


def test_an_enrolment_is_checked_as_the_page_checks(world, registrar, api_as):
    api = api_as(registrar)
    again = api.post(LIST, _new(world, "classmate"))
    assert again.status_code == 422
    assert again.json()["errors"] == [
        {"field": "learner", "detail": f"Петров Пётр Петрович уже зачислен в группу {world['mine'].code}."}
    ]
    nobody = api.post(LIST, {"learner": 999999, "group": 999998, "funding": "gift"})
    assert nobody.status_code == 400
    assert {(error["field"], error["detail"]) for error in nobody.json()["errors"]} == {
        ("learner", "Слушатель № 999999 не найден."),
        ("group", "Группа № 999998 не найдена."),
        ("funding", "Значения gift нет среди допустимых вариантов."),
    }
    assert Enrollment.objects.count() == 3
    assert not _events(audit.Action.ENROLLMENT_CREATED)


def test_an_idempotency_key_enrols_once(world, registrar, api_as):
    api = api_as(registrar)
    first = api.post(LIST, _new(world), **{"Idempotency-Key": "enrol-1"})
    again = api.post(LIST, _new(world), **{"Idempotency-Key": "enrol-1"})
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 201, "true")
    assert again.json() == first.json()
    assert Enrollment.objects.count() == 4
    other = api.post(LIST, _new(world, funding="budget"), **{"Idempotency-Key": "enrol-1"})
    assert other.status_code == 409
    assert Enrollment.objects.count() == 4


def test_the_registry_expels_with_the_order_and_the_version_seen(world, registrar, api_as):
    api = api_as(registrar, name="1С")
    enrollment = world["enrollments"]["classmate"]
    read = api.get(_detail(enrollment))
    assert (read.status_code, read["ETag"][:4], read.json()["status"]) == (200, '"v1.', "studying")
    assert api.patch(_detail(enrollment), {"status": "expelled"}).status_code == 428
    no_order = api.patch(_detail(enrollment), {"status": "expelled", "version": 1})
    assert no_order.status_code == 422
    assert no_order.json()["errors"] == [
        {"field": "expulsion_order_number", "detail": "Для отчисления укажите номер приказа."},
        {"field": "expulsion_order_date", "detail": "Для отчисления укажите дату приказа."},
    ]
    expelled = api.patch(
        _detail(enrollment),
        {
            "status": "expelled",
            "expulsion_order_number": "21-о",
            "expulsion_order_date": "2026-10-05",
            "expulsion_reason": "по собственному желанию",
        },
        **{"If-Match": '"v1.'},
    )
    assert expelled.status_code == 200, expelled.content
    assert (expelled.json()["status"], expelled["ETag"][:4]) == ("expelled", '"v2.')
    [event] = _events(audit.Action.ENROLLMENT_UPDATED)
    assert event.data["api_token"] == "1С"
    assert event.data["after"]["status"] == "expelled"
    stale = api.patch(_detail(enrollment), {"funding": "budget", "version": 1})
    assert stale.status_code == 409
    no_reason = api.patch(_detail(enrollment), {"status": "studying", "version": 2})
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"] == [
        {"field": "reason", "detail": "Восстановление после завершения или отчисления — укажите основание."}
    ]
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.funding, enrollment.version) == ("expelled", "individual", 2)


def test_no_status_move_the_site_does_not_have(world, registrar, api_as):
    api = api_as(registrar)
    enrollment = world["enrollments"]["classmate"]
    assert api.patch(_detail(enrollment), {"status": "leave", "version": 1}).status_code == 200
    refused = api.patch(
        _detail(enrollment), {"status": "completed", "completed_on": "2026-12-20", "version": 2}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "field": "status",
            "detail": "Нельзя перевести из статуса «академический отпуск» в «обучение завершено».",
        }
    ]
    unknown = api.patch(_detail(enrollment), {"outcome": "passed", "status": "graduated", "version": 2})
    assert unknown.status_code == 400
    assert [error["field"] for error in unknown.json()["errors"]] == ["status"]
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.outcome, enrollment.version) == ("leave", "", 2)


def test_who_may_not_change_an_enrolment(world, curator, teacher, learner_user, api_as):
    own, stranger = world["enrollments"]["own"], world["enrollments"]["stranger"]
    assert api_as(curator).patch(_detail(own), {"funding": "budget", "version": 1}).status_code == 403
    assert api_as(teacher).patch(_detail(own), {"funding": "budget", "version": 1}).status_code == 403
    assert api_as(learner_user).patch(_detail(own), {"funding": "budget", "version": 1}).status_code == 403
    outside = api_as(teacher, name="t2").patch(_detail(stranger), {"funding": "budget", "version": 1})
    assert outside.status_code == 404
    assert api_as(curator, name="c2").get(_detail(stranger)).status_code == 404
    own.refresh_from_db()
    stranger.refresh_from_db()
    assert (own.funding, stranger.funding) == ("individual", "individual")


def test_reading_an_enrolment_is_in_the_access_log(world, teacher, api_as):
    from zachetka.accesslog.models import AccessRecord

    assert api_as(teacher).get(_detail(world["enrollments"]["own"])).status_code == 200
    record = AccessRecord.objects.get()
    assert (record.view_name, record.learners) == ("api:enrollment_detail", [world["own"].pk])
