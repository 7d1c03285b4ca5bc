"""Program and group writes: POST programs/ and groups/, PATCH programs/{id}/ and groups/{id}/,
through programs.services with the forms' checks and the pages' permissions, audited with the
token's name; GET of one program or group."""

import pytest
from django.urls import reverse

from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.programs import services as program_services
from zachetka.programs.models import Group, Program

PROGRAMS = "/api/v1/programs/"
GROUPS = "/api/v1/groups/"


def _program(program: Program) -> str:
    return reverse("api:program_detail", args=[program.pk])


def _group(group: Group) -> str:
    return reverse("api:group_detail", args=[group.pk])


def _new_program(**fields) -> dict:
    return {"title": "Охрана труда", "kind": "pk", "hours": 40, **fields}


def _new_group(world, **fields) -> dict:
    return {
        "code": "ОТ-2026-01",
        "program": world["mine"].program.pk,
        "starts_on": "2026-10-01",
        "ends_on": "2026-10-30",
        **fields,
    }


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq").opened())


# --- Programs ---


def test_the_registry_adds_a_program_and_the_audit_names_the_token(world, registrar, curator, api_as):
    response = api_as(registrar, name="1С").post(PROGRAMS, _new_program(curators=[curator.pk]))
    assert response.status_code == 201, response.content
    body = response.json()
    program = Program.objects.get(pk=body["id"])
    assert (program.title, program.hours, program.is_active) == ("Охрана труда", 40, True)
    assert list(program.curators.all()) == [curator]
    assert (body["curators"], body["modules"], body["version"]) == ([curator.pk], [], 1)
    [event] = _events(audit.Action.PROGRAM_CREATED)
    assert (event.actor_id, event.data["api_token"]) == (registrar.pk, "1С")


@pytest.mark.parametrize("who", ["curator", "teacher", "learner_user"])
def test_roles_without_the_permission_add_no_program(world, api_as, who, request):
    response = api_as(request.getfixturevalue(who)).post(PROGRAMS, _new_program())
    assert response.status_code == 403
    assert not Program.objects.filter(title="Охрана труда").exists()


def test_a_program_is_checked_as_the_form_checks(world, registrar, teacher, api_as):
    api = api_as(registrar)
    retraining = api.post(PROGRAMS, _new_program(kind="pp", hours=300))
    assert retraining.status_code == 400
    assert retraining.json()["errors"] == [
        {
            "field": "qualification",
            "detail": "Для профессиональной переподготовки укажите присваиваемую квалификацию.",
        }
    ]
    short = api.post(PROGRAMS, _new_program(hours=8))
    assert short.status_code == 422
    assert short.json()["errors"][0]["field"] == "hours"
    assert short.json()["errors"][0]["detail"].startswith(
        "Программа повышения квалификации — не менее 16 часов"
    )
    not_curator = api.post(PROGRAMS, _new_program(curators=[teacher.pk]))
    assert not_curator.status_code == 400
    assert not_curator.json()["errors"] == [
        {"field": "curators", "detail": f"Нет кураторов программы с номерами: {teacher.pk}."}
    ]
    assert not Program.objects.filter(title="Охрана труда").exists()
    assert not _events(audit.Action.PROGRAM_CREATED)


def test_an_idempotency_key_adds_the_program_once(db, registrar, api_as):
    api = api_as(registrar)
    first = api.post(PROGRAMS, _new_program(), **{"Idempotency-Key": "program-1"})
    again = api.post(PROGRAMS, _new_program(), **{"Idempotency-Key": "program-1"})
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 201, "true")
    assert again.json() == first.json()
    assert Program.objects.filter(title="Охрана труда").count() == 1
    other = api.post(PROGRAMS, _new_program(hours=80), **{"Idempotency-Key": "program-1"})
    assert other.status_code == 409


def test_the_registry_changes_a_program_with_the_version_seen(world, registrar, api_as):
    api = api_as(registrar, name="1С")
    program = world["mine"].program
    read = api.get(_program(program))
    assert (read.status_code, read["ETag"][:4], len(read.json()["modules"])) == (200, '"v1.', 2)
    assert api.patch(_program(program), {"title": "Новое"}).status_code == 428
    changed = api.patch(_program(program), {"title": "Цифровые инструменты учителя", "version": 1})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["title"], changed["ETag"][:4]) == ("Цифровые инструменты учителя", '"v2.')
    [event] = _events(audit.Action.PROGRAM_UPDATED)
    assert event.data["api_token"] == "1С"
    assert event.data["after"] == {"title": "Цифровые инструменты учителя"}
    stale = api.patch(_program(program), {"title": "Старое"}, **{"If-Match": '"v1.'})
    assert stale.status_code == 409
    below_modules = api.patch(_program(program), {"hours": 50, "version": 2})
    assert below_modules.status_code == 422
    assert below_modules.json()["errors"][0]["field"] == "hours"
    program.refresh_from_db()
    assert (program.title, program.hours, program.version) == ("Цифровые инструменты учителя", 72, 2)


def test_who_may_read_and_change_a_program(world, curator, teacher, api_as):
    mine, other = world["mine"].program, world["other"].program
    assert api_as(teacher).get(_program(mine)).status_code == 200
    assert api_as(teacher, name="t2").get(_program(other)).status_code == 404
    assert api_as(curator).patch(_program(mine), {"title": "x", "version": 1}).status_code == 403
    assert api_as(teacher, name="t3").patch(_program(other), {"title": "x", "version": 1}).status_code == 404
    mine.refresh_from_db()
    assert mine.version == 1


# --- Groups ---


def test_the_registry_opens_a_group_and_the_audit_names_the_token(world, registrar, curator, api_as):
    response = api_as(registrar, name="1С").post(GROUPS, _new_group(world, curator=curator.pk))
    assert response.status_code == 201, response.content
    group = Group.objects.get(pk=response.json()["id"])
    assert (group.code, group.curator, group.program) == ("ОТ-2026-01", curator, world["mine"].program)
    assert response.json()["version"] == 1
    [event] = _events(audit.Action.GROUP_CREATED)
    assert (event.actor_id, event.data["api_token"]) == (registrar.pk, "1С")


@pytest.mark.parametrize("who", ["curator", "teacher", "learner_user"])
def test_roles_without_the_permission_open_no_group(world, api_as, who, request):
    response = api_as(request.getfixturevalue(who)).post(GROUPS, _new_group(world))
    assert response.status_code == 403
    assert not Group.objects.filter(code="ОТ-2026-01").exists()


def test_a_group_is_checked_as_the_form_checks(world, registrar, teacher, api_as):
    api = api_as(registrar)
    dates = api.post(GROUPS, _new_group(world, ends_on="2026-09-01"))
    assert dates.status_code == 400
    assert dates.json()["errors"] == [{"field": "ends_on", "detail": "Дата окончания раньше даты начала."}]
    program = api.post(GROUPS, _new_group(world, program=999999))
    assert program.json()["errors"] == [{"field": "program", "detail": "Программа № 999999 не найдена."}]
    curator = api.post(GROUPS, _new_group(world, curator=teacher.pk))
    assert curator.json()["errors"] == [
        {"field": "curator", "detail": f"Куратора программы № {teacher.pk} нет."}
    ]
    taken = api.post(GROUPS, _new_group(world, code=world["other"].code))
    assert taken.status_code == 422
    assert [error["field"] for error in taken.json()["errors"]] == ["code"]
    assert Group.objects.count() == 2
    assert not _events(audit.Action.GROUP_CREATED)


def test_an_idempotency_key_opens_the_group_once(world, registrar, api_as):
    api = api_as(registrar)
    first = api.post(GROUPS, _new_group(world), **{"Idempotency-Key": "group-1"})
    again = api.post(GROUPS, _new_group(world), **{"Idempotency-Key": "group-1"})
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 201, "true")
    assert again.json() == first.json()
    assert Group.objects.filter(code="ОТ-2026-01").count() == 1
    other = api.post(GROUPS, _new_group(world, code="ОТ-2026-02"), **{"Idempotency-Key": "group-1"})
    assert other.status_code == 409
    assert not Group.objects.filter(code="ОТ-2026-02").exists()


def test_a_curator_changes_their_group_with_the_version_seen(world, curator, api_as):
    api = api_as(curator, name="LMS")
    mine = world["mine"]
    read = api.get(_group(mine))
    assert (read.status_code, read["ETag"][:4]) == (200, '"v1.')
    assert api.patch(_group(mine), {"ends_on": "2026-12-25"}).status_code == 428
    changed = api.patch(_group(mine), {"ends_on": "2026-12-25"}, **{"If-Match": '"v1.'})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["ends_on"], changed["ETag"][:4]) == ("2026-12-25", '"v2.')
    [event] = _events(audit.Action.GROUP_UPDATED)
    assert (event.actor_id, event.data["api_token"]) == (curator.pk, "LMS")
    stale = api.patch(_group(mine), {"ends_on": "2026-12-30", "version": 1})
    assert stale.status_code == 409
    backwards = api.patch(_group(mine), {"ends_on": "2026-08-01", "version": 2})
    assert backwards.json()["errors"] == [
        {"field": "ends_on", "detail": "Дата окончания раньше даты начала."}
    ]
    foreign_program = api.patch(_group(mine), {"program": world["other"].program.pk, "version": 2})
    assert foreign_program.status_code == 400
    assert foreign_program.json()["errors"][0]["field"] == "program"
    mine.refresh_from_db()
    assert (str(mine.ends_on), mine.version) == ("2026-12-25", 2)


def test_who_may_not_change_a_group(world, curator, teacher, learner_user, api_as):
    mine, other = world["mine"], world["other"]
    assert api_as(curator).patch(_group(other), {"code": "X", "version": 1}).status_code == 404
    assert api_as(teacher).patch(_group(mine), {"code": "X", "version": 1}).status_code == 403
    assert api_as(learner_user).patch(_group(mine), {"code": "X", "version": 1}).status_code == 403
    assert api_as(teacher, name="t2").get(_group(other)).status_code == 404
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.version, other.version) == (1, 1)


def test_a_programs_etag_follows_its_modules_and_if_match_its_version(world, registrar, api_as):
    """A module added leaves the program's version as it was but changes what its read shows:
    the ETag changes (no stale 304), and the new ETag still names the version for If-Match."""
    api = api_as(registrar)
    program = world["mine"].program
    first = api.get(_program(program))
    assert api.get(_program(program), **{"If-None-Match": first["ETag"]}).status_code == 304
    program_services.update_program(by=registrar, program=program, expected_version=1, hours=100)
    program.refresh_from_db()
    program_services.create_module(by=registrar, program=program, order=3, title="Итоги", hours=8)
    now = api.get(_program(program), **{"If-None-Match": first["ETag"]})
    assert now.status_code == 200
    assert (now.json()["version"], len(now.json()["modules"])) == (2, 3)
    assert now["ETag"] != first["ETag"]
    changed = api.patch(_program(program), {"title": "Другое"}, **{"If-Match": now["ETag"]})
    assert changed.status_code == 200, changed.content
    garbage = api.patch(_program(program), {"title": "Третье"}, **{"If-Match": '"abc"'})
    assert garbage.status_code == 400
    assert garbage.json()["detail"] == 'If-Match: «"abc"» — не версия записи (ожидается "v<число>").'
