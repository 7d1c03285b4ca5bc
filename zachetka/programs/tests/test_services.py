import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from zachetka.core import audit, roles
from zachetka.core.models import AuditEvent
from zachetka.core.versioning import ConcurrentEditError
from zachetka.programs import services
from zachetka.programs.models import Enrollment, Group, Program


def test_retraining_needs_a_qualification(director):
    with pytest.raises(ValidationError):
        services.create_program(by=director, title="Менеджмент", kind=Program.Kind.RETRAINING, hours=256)
    program = services.create_program(
        by=director, title="Менеджмент", kind=Program.Kind.RETRAINING, hours=256, qualification="Менеджер"
    )
    assert AuditEvent.objects.about(program).get().action == audit.Action.PROGRAM_CREATED


def test_group_dates_must_be_ordered(director, make_program):
    with pytest.raises(ValidationError):
        services.create_group(
            by=director,
            code="ПК-1",
            program=make_program(),
            starts_on=dt.date(2026, 5, 1),
            ends_on=dt.date(2026, 4, 1),
        )


def test_only_a_curator_can_curate(director, make_program, teacher):
    with pytest.raises(ValidationError, match="Куратор"):
        services.create_group(
            by=director,
            code="ПК-1",
            program=make_program(),
            starts_on=dt.date(2026, 5, 1),
            ends_on=dt.date(2026, 6, 1),
            curator=teacher,
        )


def test_assigning_a_teacher_checks_role_and_program(director, make_group, teacher, curator):
    group = make_group()
    foreign_module = make_group().program.modules.first()
    with pytest.raises(ValidationError, match="не входит в программу"):
        services.assign_teacher(by=director, group=group, module=foreign_module, teacher=teacher)
    with pytest.raises(ValidationError, match="Педагогический работник"):
        services.assign_teacher(
            by=director, group=group, module=group.program.modules.first(), teacher=curator
        )
    services.assign_teacher(by=director, group=group, module=group.program.modules.first(), teacher=teacher)
    assert Group.objects.visible_to(teacher).get() == group


def test_enrolling_twice_is_refused(director, make_group, make_learner):
    group, learner = make_group(), make_learner()
    services.enroll(by=director, learner=learner, group=group)
    with pytest.raises(ValidationError, match="уже зачислен"):
        services.enroll(by=director, learner=learner, group=group)


def test_expulsion_needs_its_order(director, make_group, make_learner):
    enrollment = services.enroll(by=director, learner=make_learner(), group=make_group())
    with pytest.raises(ValidationError) as refused:
        services.update_enrollment(
            by=director, enrollment=enrollment, expected_version=1, status=Enrollment.Status.EXPELLED
        )
    assert set(refused.value.error_dict) == {"expulsion_order_number", "expulsion_order_date"}
    services.update_enrollment(
        by=director,
        enrollment=enrollment,
        expected_version=1,
        status=Enrollment.Status.EXPELLED,
        expulsion_order_number="77-к",
        expulsion_order_date=dt.date(2026, 10, 1),
        expulsion_reason="по собственному желанию",
    )
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.EXPELLED and enrollment.version == 2
    [event] = AuditEvent.objects.about(enrollment).filter(action=audit.Action.ENROLLMENT_UPDATED).opened()
    assert event.data["before"]["status"] == "studying" and event.data["after"]["status"] == "expelled"


def test_restoring_after_expulsion_needs_a_reason(director, make_group, make_learner):
    enrollment = services.enroll(by=director, learner=make_learner(), group=make_group())
    services.update_enrollment(
        by=director,
        enrollment=enrollment,
        expected_version=1,
        status=Enrollment.Status.EXPELLED,
        expulsion_order_number="77-к",
        expulsion_order_date=dt.date(2026, 10, 1),
    )
    with pytest.raises(ValidationError, match="основание"):
        services.update_enrollment(
            by=director, enrollment=enrollment, expected_version=2, status=Enrollment.Status.STUDYING
        )
    services.update_enrollment(
        by=director,
        enrollment=enrollment,
        expected_version=2,
        status=Enrollment.Status.STUDYING,
        reason="Приказ об отчислении отменён приказом 80-к",
    )
    assert (
        AuditEvent.objects.about(enrollment)[:1].opened()[0].reason
        == "Приказ об отчислении отменён приказом 80-к"
    )


def test_completed_cannot_go_on_leave(director, make_group, make_learner):
    enrollment = services.enroll(by=director, learner=make_learner(), group=make_group())
    services.update_enrollment(
        by=director,
        enrollment=enrollment,
        expected_version=1,
        status=Enrollment.Status.COMPLETED,
        completed_on=dt.date(2026, 12, 20),
    )
    with pytest.raises(ValidationError, match="Нельзя перевести"):
        services.update_enrollment(
            by=director, enrollment=enrollment, expected_version=2, status=Enrollment.Status.ACADEMIC_LEAVE
        )


def test_stale_version_is_refused(director, make_group, make_learner):
    enrollment = services.enroll(by=director, learner=make_learner(), group=make_group())
    services.update_enrollment(
        by=director, enrollment=enrollment, expected_version=1, admission_order_number="1-к"
    )
    with pytest.raises(ConcurrentEditError):
        services.update_enrollment(
            by=director, enrollment=enrollment, expected_version=1, admission_order_number="2-к"
        )
    enrollment.refresh_from_db()
    assert enrollment.admission_order_number == "1-к"


def test_scopes_per_role(world, curator, teacher, learner_user, director):
    from zachetka.people.models import Learner

    assert set(Group.objects.visible_to(curator)) == {world["mine"]}
    assert set(Group.objects.visible_to(teacher)) == {world["mine"]}
    assert set(Group.objects.visible_to(director)) == {world["mine"], world["other"]}
    assert set(Learner.objects.visible_to(teacher)) == {world["own"], world["classmate"]}
    assert set(Learner.objects.visible_to(learner_user)) == {world["own"]}
    assert set(Enrollment.objects.visible_to(learner_user)) == {world["enrollments"]["own"]}
    assert set(Program.objects.visible_to(curator)) == {world["mine"].program}
    assert not Group.objects.visible_to(learner_user).exists()


def test_program_curator_sees_all_groups_of_the_program(director, make_user, make_group):
    program_curator = make_user(role=roles.CURATOR)
    group = make_group()
    services.set_program_curators(by=director, program=group.program, curators=[program_curator])
    assert list(Group.objects.visible_to(program_curator)) == [group]
