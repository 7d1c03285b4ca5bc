import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from conftest import run_concurrently
from zachetka.attestation import services
from zachetka.attestation.models import AcademicDebt, Protocol, ProtocolCounter, ProtocolResult
from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.gradebook import services as gradebook_services
from zachetka.programs.models import Enrollment

HELD = dt.date(2026, 11, 20)


def _statement(course, teacher, module="credit", **kwargs):
    return services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course[module], held_on=HELD, **kwargs
    )


def _fill(protocol, by, values):
    for enrollment, text in values.items():
        services.set_result(by=by, protocol=protocol, enrollment=enrollment, text=text)


def test_numbers_are_per_kind_and_year_without_gaps(course, teacher):
    first = _statement(course, teacher)
    second = _statement(course, teacher, module="exam")
    assert (first.number, second.number) == ("ПА-2026-0001", "ПА-2026-0002")
    assert ProtocolCounter.objects.get(kind="intermediate", year=2026).last == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="true concurrency needs a server database")
@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_and_gap_free_under_concurrency(course, teacher, director):
    numbers, errors = run_concurrently(lambda: services._take_number(Protocol.Kind.FINAL, 2027))
    assert errors == []
    assert sorted(numbers) == [f"ИА-2027-{n:04d}" for n in range(1, 5)]


def test_credit_is_prefilled_from_current_results(course, teacher):
    from zachetka.gradebook.models import GradingScale

    assessment = gradebook_services.create_assessment(
        by=teacher,
        group=course["group"],
        module=course["credit"],
        held_on=dt.date(2026, 11, 10),
        title="Практика",
        scale=GradingScale.objects.get(kind="five_point"),
    )
    for enrollment, text in ((course["own"], "5"), (course["classmate"], "2")):
        gradebook_services.record_grade(
            by=teacher, assessment=assessment, enrollment=enrollment, text=text, expected_version=0
        )
    protocol = _statement(course, teacher)
    values = dict(protocol.results.values_list("enrollment_id", "value"))
    assert values == {course["own"].pk: "зачтено", course["classmate"].pk: "", course["third"].pk: ""}


def test_signing_locks_current_grades_and_creates_debts(course, teacher):
    protocol = _statement(course, teacher)
    _fill(
        protocol, teacher, {course["own"]: "зачтено", course["classmate"]: "не зачтено", course["third"]: "н"}
    )
    services.sign_protocol(by=teacher, protocol=protocol)
    protocol.refresh_from_db()
    assert protocol.status == Protocol.Status.SIGNED and protocol.signed_at
    assert gradebook_services.is_locked(course["group"].pk, course["credit"].pk)
    debts = AcademicDebt.objects.filter(closed_at__isnull=True)
    assert {d.enrollment_id for d in debts} == {course["classmate"].pk, course["third"].pk}
    assert all(d.due_on == HELD + dt.timedelta(days=30) for d in debts)


def test_signing_needs_every_result(course, teacher):
    protocol = _statement(course, teacher)
    _fill(protocol, teacher, {course["own"]: "зачтено"})
    with pytest.raises(ValidationError, match="Не у всех слушателей есть результат"):
        services.sign_protocol(by=teacher, protocol=protocol)


def test_signed_protocol_is_immutable_through_services(course, teacher, director):
    protocol = _statement(course, teacher)
    _fill(
        protocol,
        teacher,
        {course["own"]: "зачтено", course["classmate"]: "зачтено", course["third"]: "зачтено"},
    )
    services.sign_protocol(by=teacher, protocol=protocol)
    for attempt in (
        lambda: services.set_result(
            by=director, protocol=protocol, enrollment=course["own"], text="не зачтено"
        ),
        lambda: services.sign_protocol(by=teacher, protocol=protocol),
    ):
        with pytest.raises(services.ProtocolLocked, match="изменить его нельзя"):
            attempt()
    assert protocol.results.get(enrollment=course["own"]).value == "зачтено"


def test_at_most_two_retakes_the_second_before_a_commission(course, teacher):
    who = course["classmate"]
    first = _statement(course, teacher)
    _fill(first, teacher, {course["own"]: "зачтено", who: "не зачтено", course["third"]: "зачтено"})
    services.sign_protocol(by=teacher, protocol=first)

    retake = _statement(course, teacher, attempt=2)
    assert list(retake.results.values_list("enrollment_id", flat=True)) == [who.pk]
    _fill(retake, teacher, {who: "не зачтено"})
    services.sign_protocol(by=teacher, protocol=retake)

    with pytest.raises(ValidationError, match="комиссией"):
        _statement(course, teacher, attempt=3)
    second_retake = _statement(course, teacher, attempt=3, commission=course["commission"])
    _fill(second_retake, teacher, {who: "не зачтено"})
    services.set_attendance(
        by=teacher, protocol=second_retake, present=[course["chair"].pk, course["secretary"].pk]
    )
    services.sign_protocol(by=course["chair"], protocol=second_retake)
    second_retake.refresh_from_db()
    assert second_retake.status == Protocol.Status.DRAFT  # the secretary has not signed yet
    services.sign_protocol(by=course["secretary"], protocol=second_retake)
    second_retake.refresh_from_db()
    assert second_retake.status == Protocol.Status.SIGNED

    with pytest.raises(ValidationError, match="не более двух раз"):
        _statement(course, teacher, attempt=4)
    assert AcademicDebt.objects.get(enrollment=who, closed_at__isnull=True)


def test_passing_a_retake_closes_the_debt(course, teacher):
    who = course["classmate"]
    first = _statement(course, teacher)
    _fill(first, teacher, {course["own"]: "зачтено", who: "н", course["third"]: "зачтено"})
    services.sign_protocol(by=teacher, protocol=first)
    retake = _statement(course, teacher, attempt=2)
    _fill(retake, teacher, {who: "зачтено"})
    services.sign_protocol(by=teacher, protocol=retake)
    debt = AcademicDebt.objects.get(enrollment=who)
    assert debt.closed_by == retake and debt.closed_at


def test_only_a_seat_signs(course, teacher, curator):
    protocol = _statement(course, teacher)
    _fill(
        protocol,
        teacher,
        {course["own"]: "зачтено", course["classmate"]: "зачтено", course["third"]: "зачтено"},
    )
    with pytest.raises(PermissionDenied):
        services.sign_protocol(by=curator, protocol=protocol)


def test_admission_shows_who_and_why(course, pass_all_modules):
    pass_all_modules(failing=course["third"])
    admission = {a.enrollment.pk: a for a in services.final_admission(course["group"])}
    assert admission[course["own"].pk].is_admitted
    third = admission[course["third"].pk]
    assert not third.is_admitted
    assert any("академическая задолженность" in reason for reason in third.reasons)


def test_final_protocol_takes_only_the_admitted_and_completes_enrollments(course, director, pass_all_modules):
    pass_all_modules(failing=course["third"])
    protocol = services.create_final_protocol(
        by=director,
        group=course["group"],
        held_on=dt.date(2026, 12, 18),
        form=Protocol.FinalForm.DEFENSE,
        commission=course["commission"],
        scale=course["five"],
    )
    assert set(protocol.results.values_list("enrollment_id", flat=True)) == {
        course["own"].pk,
        course["classmate"].pk,
    }
    services.set_result(
        by=course["secretary"],
        protocol=protocol,
        enrollment=course["own"],
        text="5",
        work_topic="Цифровой след урока",
    )
    services.set_result(
        by=course["secretary"],
        protocol=protocol,
        enrollment=course["classmate"],
        text="2",
        work_topic="Облачный класс",
    )
    services.set_attendance(
        by=director, protocol=protocol, present=[course["chair"].pk, course["secretary"].pk]
    )
    services.sign_protocol(by=course["chair"], protocol=protocol)
    services.sign_protocol(by=course["secretary"], protocol=protocol)
    own, classmate = (Enrollment.objects.get(pk=course[k].pk) for k in ("own", "classmate"))
    assert (own.status, own.outcome, own.completed_on) == ("completed", "passed", dt.date(2026, 12, 18))
    assert (classmate.status, classmate.outcome) == ("completed", "failed")
    decisions = dict(protocol.results.values_list("enrollment_id", "decision"))
    assert decisions == {own.pk: "document", classmate.pk: "certificate"}


def test_annulment_keeps_both_protocols_visible(course, teacher, director):
    protocol = _statement(course, teacher)
    _fill(
        protocol,
        teacher,
        {course["own"]: "зачтено", course["classmate"]: "не зачтено", course["third"]: "зачтено"},
    )
    services.sign_protocol(by=teacher, protocol=protocol)
    with pytest.raises(PermissionDenied):
        services.annul_protocol(by=teacher, protocol=protocol, reason="Ошибка")
    with pytest.raises(ValidationError, match="основание"):
        services.annul_protocol(by=director, protocol=protocol, reason=" ")
    services.annul_protocol(
        by=director, protocol=protocol, reason="Перепутаны результаты Петрова и Смирновой"
    )
    assert not AcademicDebt.objects.filter(closed_at__isnull=True).exists()
    replacement = _statement(course, teacher, replaces=protocol)
    assert replacement.replaces == protocol and replacement.number == "ПА-2026-0002"
    assert Protocol.objects.filter(pk__in=[protocol.pk, replacement.pk]).count() == 2
    assert AuditEvent.objects.filter(
        action=audit.Action.PROTOCOL_ANNULLED, reason__startswith="Перепутаны"
    ).exists()


def test_admin_cannot_change_a_protocol(client, course, teacher, director):
    from django.urls import reverse

    protocol = _statement(course, teacher)
    director.is_staff = director.is_superuser = True  # Django admin is a superuser's
    director.save()
    client.force_login(director)
    change_url = reverse("admin:attestation_protocol_change", args=[protocol.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    client.post(change_url, {"number": "ПА-2026-9999", "status": "signed"})
    protocol.refresh_from_db()
    assert protocol.number == "ПА-2026-0001" and protocol.status == Protocol.Status.DRAFT
    delete = client.post(reverse("admin:attestation_protocol_delete", args=[protocol.pk]), {"post": "yes"})
    assert delete.status_code == 403 and Protocol.objects.filter(pk=protocol.pk).exists()


def _signed_statement(course, teacher):
    protocol = _statement(course, teacher)
    _fill(protocol, teacher, {e: "зачтено" for e in (course["own"], course["classmate"], course["third"])})
    return services.sign_protocol(by=teacher, protocol=protocol)


def test_the_database_refuses_to_change_a_signed_protocol_or_its_results(
    course, teacher, director, make_learner, make_enrollment
):
    from django.db import DatabaseError, transaction

    protocol = _signed_statement(course, teacher)
    latecomer = make_enrollment(make_learner(last_name="Поздняков"), course["group"])
    attempts = [
        lambda: ProtocolResult.objects.filter(protocol=protocol).update(value="не зачтено"),
        lambda: Protocol.objects.filter(pk=protocol.pk).update(number="ПА-2026-0999"),
        lambda: Protocol.objects.filter(pk=protocol.pk).update(status=Protocol.Status.DRAFT),
        lambda: Protocol.objects.filter(pk=protocol.pk).update(held_on=HELD.replace(day=1)),
        lambda: ProtocolResult.objects.create(protocol=protocol, enrollment=latecomer),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert set(protocol.results.values_list("value", flat=True)) == {"зачтено"}
    # Annulment is the one change a signed protocol admits; after it, none.
    services.annul_protocol(by=director, protocol=protocol, reason="Ошибка в дате")
    with pytest.raises(DatabaseError), transaction.atomic():
        Protocol.objects.filter(pk=protocol.pk).update(annul_reason="другая причина")
    assert Protocol.objects.get(pk=protocol.pk).annul_reason == "Ошибка в дате"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE open for the test flush")
def test_postgres_refuses_to_delete_a_signed_protocol_or_its_results(course, teacher):
    from django.db import DatabaseError, transaction

    protocol = _signed_statement(course, teacher)
    with pytest.raises(DatabaseError), transaction.atomic():
        ProtocolResult.objects.filter(protocol=protocol)._raw_delete(connection.alias)
    with pytest.raises(DatabaseError), transaction.atomic():
        Protocol.objects.filter(pk=protocol.pk)._raw_delete(connection.alias)
    assert protocol.results.count() == 3
