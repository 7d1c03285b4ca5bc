"""«There is only one» rules of attestation, held by the database: one final protocol in force per
group, one statement per module and attempt, one open debt per learner and module. Ten identical
requests fired at once through the live server make exactly one; so do ten with no form key."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from zachetka.attestation import services
from zachetka.attestation.models import AcademicDebt, Protocol, ProtocolCounter
from zachetka.core import audit
from zachetka.core.models import AuditEvent

# Parallel requests through the live server: on SQLite every write waits for the one file lock, and
# under load a wait can outlast its timeout, so the races are run where they matter, on PostgreSQL.
race = pytest.mark.django_db(transaction=True)
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="true concurrency needs a server database"
)


def _final_form(course, key: str | None = None) -> dict:
    data = {
        "held_on": "25.11.2026",
        "form": "exam",
        "commission": course["commission"].pk,
        "scale": course["five"].pk,
    }
    return data | ({"submission_key": key} if key else {})


@race
@on_postgres
def test_ten_identical_final_protocol_requests_make_one(post_in_parallel, course, director, pass_all_modules):
    pass_all_modules()
    path = reverse("attestation:final_protocol_create", args=[course["group"].pk])
    responses = post_in_parallel(director, path, _final_form(course, str(uuid.uuid4())))
    protocol = Protocol.objects.get(kind=Protocol.Kind.FINAL)
    assert {status for status, _ in responses} == {302}
    assert {location for _, location in responses} == {f"/protocols/{protocol.pk}/"}
    assert protocol.number == "ИА-2026-0001"
    assert ProtocolCounter.objects.get(kind=Protocol.Kind.FINAL).last == 1  # no number lost
    assert (
        AuditEvent.objects.filter(action=audit.Action.PROTOCOL_CREATED, subject_id=str(protocol.pk)).count()
        == 1
    )


@race
@on_postgres
def test_ten_final_protocol_requests_without_a_key_make_one(
    post_in_parallel, course, director, pass_all_modules
):
    pass_all_modules()
    path = reverse("attestation:final_protocol_create", args=[course["group"].pk])
    responses = post_in_parallel(director, path, _final_form(course))
    assert Protocol.objects.filter(kind=Protocol.Kind.FINAL).count() == 1
    assert sorted(status for status, _ in responses) == [200] * 9 + [302]  # nine see the refusal
    assert ProtocolCounter.objects.get(kind=Protocol.Kind.FINAL).last == 1


@race
@on_postgres
def test_ten_identical_statement_requests_make_one(post_in_parallel, course, teacher):
    path = reverse("attestation:statement_create", args=[course["group"].pk])
    data = {"module": course["exam"].pk, "held_on": "20.11.2026", "attempt": 1}
    post_in_parallel(teacher, path, data | {"submission_key": str(uuid.uuid4())})
    post_in_parallel(teacher, path, data)
    statement = Protocol.objects.get(kind=Protocol.Kind.INTERMEDIATE)
    assert statement.results.count() == 3
    assert ProtocolCounter.objects.get(kind=Protocol.Kind.INTERMEDIATE).last == 1


@race
@on_postgres
def test_ten_signatures_at_once_sign_once_and_raise_one_debt_each(post_in_parallel, course, teacher):
    statement = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["exam"], held_on=dt.date(2026, 11, 20)
    )
    for enrollment, text in ((course["own"], "5"), (course["classmate"], "2"), (course["third"], "н")):
        services.set_result(by=teacher, protocol=statement, enrollment=enrollment, text=text)
    statement.refresh_from_db()
    path = reverse("attestation:protocol_sign", args=[statement.pk])
    post_in_parallel(teacher, path, {"version": statement.version, "confirmed": "1"})
    statement.refresh_from_db()
    assert statement.status == Protocol.Status.SIGNED
    assert AuditEvent.objects.filter(action=audit.Action.PROTOCOL_SIGNED).count() == 1
    debts = AcademicDebt.objects.filter(closed_at__isnull=True)
    assert sorted(debt.enrollment_id for debt in debts) == sorted(
        [course["classmate"].pk, course["third"].pk]
    )


def test_a_later_final_protocol_is_refused_naming_the_one_in_force(
    client, course, director, pass_all_modules, draw_up_final
):
    pass_all_modules()
    first = draw_up_final()
    client.force_login(director)
    path = reverse("attestation:final_protocol_create", args=[course["group"].pk])
    response = client.post(path, _final_form(course, str(uuid.uuid4())))
    assert response.status_code == 200
    assert f"уже составлен: № {first.number}" in response.content.decode()
    assert Protocol.objects.filter(kind=Protocol.Kind.FINAL).count() == 1


def test_after_annulment_a_new_protocol_is_only_its_replacement(
    client, course, director, pass_all_modules, draw_up_final
):
    pass_all_modules()
    first = draw_up_final()
    services.annul_protocol(by=director, protocol=first, reason="Неверная шкала")
    client.force_login(director)
    path = reverse("attestation:final_protocol_create", args=[course["group"].pk])
    response = client.post(path, _final_form(course, str(uuid.uuid4())))
    assert f"Протокол № {first.number} аннулирован: новый протокол составляют взамен него" in (
        response.content.decode()
    )
    replacement = _final_form(course, str(uuid.uuid4())) | {"replaces": first.pk}
    response = client.post(path, replacement)
    assert response.status_code == 302
    new = Protocol.objects.get(kind=Protocol.Kind.FINAL, status=Protocol.Status.DRAFT)
    assert new.replaces == first
    services.annul_protocol(by=director, protocol=new, reason="Не та комиссия")
    again = _final_form(course, str(uuid.uuid4())) | {"replaces": first.pk}
    assert "ещё не заменённого" in client.post(path, again).content.decode()


def test_a_draft_drawn_up_by_mistake_is_annulled_and_replaced(client, course, director, teacher):
    draft = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["exam"], held_on=dt.date(2026, 11, 20)
    )
    client.force_login(director)
    client.post(reverse("attestation:protocol_annul", args=[draft.pk]), {"reason": "Не та дата"})
    draft.refresh_from_db()
    assert draft.status == Protocol.Status.ANNULLED
    assert draft.annulled_by == director
    replacement = services.create_intermediate_statement(
        by=teacher,
        group=course["group"],
        module=course["exam"],
        held_on=dt.date(2026, 11, 21),
        replaces=draft,
    )
    assert replacement.attempt == 1


def test_a_second_statement_of_a_module_and_attempt_is_refused(course, teacher):
    first = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["exam"], held_on=dt.date(2026, 11, 20)
    )
    with pytest.raises(ValidationError, match=f"уже составлена: № {first.number}"):
        services.create_intermediate_statement(
            by=teacher, group=course["group"], module=course["exam"], held_on=dt.date(2026, 11, 21)
        )


def test_the_database_itself_refuses_a_second_protocol_in_force(course, director, teacher):
    """Behind the services: the constraints, not a check before an insert."""
    first = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["exam"], held_on=dt.date(2026, 11, 20)
    )
    copy = {
        field.name: getattr(first, field.name)
        for field in Protocol._meta.concrete_fields
        if field.name not in {"id", "number"}
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Protocol.objects.create(**copy, number="ПА-2026-9999")
    final = dict(copy, kind=Protocol.Kind.FINAL, module=None, examiner=None, commission=course["commission"])
    Protocol.objects.create(**final, number="ИА-2026-9998")
    with pytest.raises(IntegrityError), transaction.atomic():
        Protocol.objects.create(**final, number="ИА-2026-9999")


def test_the_database_refuses_a_second_open_debt(course, teacher, pass_all_modules):
    pass_all_modules(failing=course["third"])
    debt = AcademicDebt.objects.filter(closed_at__isnull=True).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        AcademicDebt.objects.create(
            enrollment=debt.enrollment, module=debt.module, arisen_from=debt.arisen_from, due_on=debt.due_on
        )


def test_annulment_without_its_actor_is_refused_by_the_database(graduated):
    with pytest.raises(IntegrityError), transaction.atomic():
        Protocol.objects.filter(pk=graduated.pk).update(status="annulled", annul_reason="без подписи")
