"""Learner writes: POST learners/ and PATCH learners/{id}/ through people.services, with the
learner form's checks (СНИЛС, names, dates), its permissions and the personal-field rules of the
token's role, audited with the token's name."""

import pytest
from django.urls import reverse

from zachetka.core import access, audit, roles
from zachetka.core.models import AuditEvent
from zachetka.people.models import Learner

LIST = "/api/v1/learners/"
SNILS = "112-233-445 95"


def _detail(learner: Learner) -> str:
    return reverse("api:learner_detail", args=[learner.pk])


def _new(**fields) -> dict:
    return {
        "last_name": "Кузнецова",
        "first_name": "Елена",
        "middle_name": "Игоревна",
        "sex": "F",
        "birth_date": "1991-04-12",
        "snils": SNILS,
        **fields,
    }


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq").opened())


def test_the_registry_adds_a_learner_and_the_audit_names_the_token(db, registrar, api_as):
    response = api_as(registrar, name="1С").post(LIST, _new(email=" Elena@Example.org "))
    assert response.status_code == 201, response.content
    body = response.json()
    learner = Learner.objects.get(pk=body["id"])
    assert (learner.full_name, learner.snils, learner.email) == (
        "Кузнецова Елена Игоревна",
        "11223344595",
        "elena@example.org",
    )
    assert (body["snils"], body["version"]) == ("11223344595", 1)
    [event] = _events(audit.Action.LEARNER_CREATED)
    assert event.actor_id == registrar.pk
    assert event.data["api_token"] == "1С"
    assert event.data["after"]["last_name"] == "Кузнецова"


@pytest.mark.parametrize("who", ["curator", "teacher", "learner_user"])
def test_roles_without_the_permission_add_no_learner(world, api_as, who, request):
    before = Learner.objects.count()
    response = api_as(request.getfixturevalue(who)).post(LIST, _new())
    assert response.status_code == 403
    assert response.json()["detail"] == "Недостаточно прав для этого действия."
    assert Learner.objects.count() == before


def test_bad_fields_are_named_in_russian_and_nothing_is_written(world, registrar, api_as):
    api = api_as(registrar)
    before = Learner.objects.count()
    checksum = api.post(LIST, _new(snils="112-233-445 96"))
    assert checksum.status_code == 400
    assert checksum["Content-Type"] == "application/problem+json"
    assert checksum.json()["errors"] == [
        {"field": "snils", "detail": "Неверная контрольная сумма СНИЛС: проверьте цифры."}
    ]
    classmate = world["classmate"]
    taken = api.post(LIST, _new(snils=classmate.snils))
    assert taken.status_code == 422
    assert taken.json()["errors"] == [
        {
            "field": "snils",
            "detail": f"Этот СНИЛС уже указан у слушателя Петров Пётр Петрович (№ {classmate.pk}).",
        }
    ]
    latin = api.post(LIST, _new(last_name="Kuznetsova"))
    assert latin.status_code == 422
    assert [error["field"] for error in latin.json()["errors"]] == ["last_name"]
    assert latin.json()["errors"][0]["detail"].startswith("Допустимы только")
    future = api.post(LIST, _new(birth_date="2999-01-01"))
    assert future.status_code == 422
    assert future.json()["errors"] == [
        {"field": "birth_date", "detail": "Дата рождения не может быть в будущем."}
    ]
    missing = api.post(LIST, {"middle_name": "Игоревна"})
    assert missing.status_code == 400
    assert {error["field"] for error in missing.json()["errors"]} == {
        "last_name",
        "first_name",
        "sex",
        "birth_date",
    }
    assert Learner.objects.count() == before
    assert not _events(audit.Action.LEARNER_CREATED)


def test_a_json_body_that_does_not_parse_is_refused_in_russian(db, registrar, api_as):
    api = api_as(registrar)
    response = api.client.post(
        LIST, '{"last_name": "Кузнецова",', content_type="application/json", headers=api.headers
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"].startswith("Тело запроса — не JSON")
    assert Learner.objects.count() == 0


def test_an_idempotency_key_adds_the_learner_once(db, registrar, api_as):
    api = api_as(registrar)
    first = api.post(LIST, _new(), **{"Idempotency-Key": "learner-1"})
    again = api.post(LIST, _new(), **{"Idempotency-Key": "learner-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Learner.objects.count() == 1
    assert len(_events(audit.Action.LEARNER_CREATED)) == 1
    other = api.post(LIST, _new(first_name="Ольга", snils=""), **{"Idempotency-Key": "learner-1"})
    assert other.status_code == 409
    assert other.json()["type"] == "urn:zachetka:problem:idempotency-key-reused"
    assert Learner.objects.count() == 1


def test_the_registry_changes_a_learner_with_the_version_seen(world, registrar, api_as):
    api = api_as(registrar, name="1С")
    classmate = world["classmate"]
    read = api.get(_detail(classmate))
    assert (read["ETag"][:4], read.json()["version"]) == ('"v1.', 1)
    missing = api.patch(_detail(classmate), {"last_name": "Петровский"})
    assert missing.status_code == 428
    changed = api.patch(
        _detail(classmate),
        {"last_name": "Петровский", "reason": "смена фамилии"},
        **{"If-Match": read["ETag"]},
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["last_name"], changed["ETag"][:4]) == ("Петровский", '"v2.')
    [event] = _events(audit.Action.LEARNER_UPDATED)
    assert event.data["api_token"] == "1С"
    assert (event.data["before"], event.data["after"]) == (
        {"last_name": "Петров"},
        {"last_name": "Петровский"},
    )
    assert event.reason == "смена фамилии"
    stale = api.patch(_detail(classmate), {"last_name": "Старый", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["type"] == "urn:zachetka:problem:conflict"
    classmate.refresh_from_db()
    assert (classmate.last_name, classmate.version) == ("Петровский", 2)


def test_a_change_is_checked_as_the_form_checks(world, registrar, api_as):
    api = api_as(registrar)
    classmate, stranger = world["classmate"], world["stranger"]
    taken = api.patch(_detail(classmate), {"snils": stranger.snils, "version": 1})
    assert taken.status_code == 422
    assert taken.json()["errors"][0]["field"] == "snils"
    assert "Сидорова Мария" in taken.json()["errors"][0]["detail"]
    blank = api.patch(_detail(classmate), {"first_name": "", "version": 1})
    assert blank.status_code == 400
    assert blank.json()["errors"][0]["field"] == "first_name"
    classmate.refresh_from_db()
    assert (classmate.first_name, classmate.version) == ("Пётр", 1)
    assert not _events(audit.Action.LEARNER_UPDATED)


def test_who_may_not_change_a_learner(world, curator, teacher, learner_user, api_as):
    classmate, stranger = world["classmate"], world["stranger"]
    assert (
        api_as(curator).patch(_detail(classmate), {"phone": "+7 900 000-00-00", "version": 1}).status_code
        == 403
    )
    assert api_as(teacher).patch(_detail(classmate), {"last_name": "Иванов", "version": 1}).status_code == 403
    assert (
        api_as(learner_user).patch(_detail(world["own"]), {"phone": "+79000000000", "version": 1}).status_code
        == 403
    )
    outside = api_as(teacher, name="t2").patch(_detail(stranger), {"last_name": "Иванова", "version": 1})
    assert outside.status_code == 404  # not in the teacher's groups: not disclosed
    assert outside.json()["detail"] == "Запись не найдена или недоступна."
    classmate.refresh_from_db()
    assert classmate.version == 1


def test_a_role_writes_only_the_personal_fields_it_sees(world, teacher, api_as, monkeypatch):
    """Were a teacher given the right to change learners, they would still write only the name
    (personal_fields.BY_ROLE): a field their role does not see is refused by name."""
    granted = access._ROLE_PERMISSIONS[roles.TEACHER] | {"people.change_learner"}
    monkeypatch.setitem(access._ROLE_PERMISSIONS, roles.TEACHER, granted)
    api = api_as(teacher)
    classmate = world["classmate"]
    refused = api.patch(_detail(classmate), {"last_name": "Петровский", "snils": SNILS, "version": 1})
    assert refused.status_code == 403
    assert refused.json()["errors"] == [
        {"field": "snils", "detail": "Ваша роль не видит это поле слушателя и не может его записать."}
    ]
    classmate.refresh_from_db()
    assert (classmate.last_name, classmate.version) == ("Петров", 1)
    allowed = api.patch(_detail(classmate), {"last_name": "Петровский", "version": 1})
    assert allowed.status_code == 200, allowed.content
    assert "snils" not in allowed.json()


def test_adding_a_learner_is_in_the_access_log(db, registrar, api_as):
    from zachetka.accesslog.models import AccessRecord

    response = api_as(registrar).post(LIST, _new())
    assert response.status_code == 201
    record = AccessRecord.objects.get()
    assert (record.user_id, record.view_name, record.learners) == (
        registrar.pk,
        "api:learner_list",
        [response.json()["id"]],
    )
