import datetime as dt

import pytest

from zachetka.attestation import services
from zachetka.core import roles
from zachetka.gradebook import services as gradebook_services
from zachetka.gradebook.models import GradingScale
from zachetka.programs.models import Module, TeachingAssignment


@pytest.fixture
def course(world, teacher, director, make_user, make_learner, make_enrollment):
    """The teacher's group with a credit module (taught by `teacher`) and a second module, a
    commission, and three learners: Смирнова and Петров from the world, plus Алексеев."""
    group = world["mine"]
    credit_module = TeachingAssignment.objects.get(group=group, teacher=teacher).module
    credit_module.attestation_form = Module.AttestationForm.CREDIT
    credit_module.save()
    exam_module = group.program.modules.exclude(pk=credit_module.pk).get()
    exam_module.attestation_form = Module.AttestationForm.EXAM
    exam_module.save()
    TeachingAssignment.objects.create(group=group, module=exam_module, teacher=teacher)
    third = make_enrollment(make_learner(last_name="Алексеев", first_name="Алексей", middle_name=""), group)
    chair = make_user("chair", role=roles.ADMINISTRATION, first_name="Председатель", last_name="Иванова")
    secretary = make_user("secretary", role=roles.STAFF, first_name="Секретарь", last_name="Петрова")
    commission = services.create_commission(
        by=director,
        title="Аттестационная комиссия",
        order_number="15-о",
        order_date=dt.date(2026, 9, 1),
        chair=chair,
        secretary=secretary,
        members=[teacher],
        program=group.program,
    )
    return {
        "group": group,
        "credit": credit_module,
        "exam": exam_module,
        "commission": commission,
        "chair": chair,
        "secretary": secretary,
        "own": world["enrollments"]["own"],
        "classmate": world["enrollments"]["classmate"],
        "third": third,
        "five": GradingScale.objects.get(kind="five_point"),
        "gradebook_lock": gradebook_services.is_locked,
    }


@pytest.fixture
def pass_all_modules(course, teacher):
    """Sign an intermediate statement for every module: all pass, except `failing` if given."""

    def sign(failing=None):  # noqa: ANN001, ANN202
        for module, passing, failed in (("credit", "зачтено", "не зачтено"), ("exam", "4", "2")):
            statement = services.create_intermediate_statement(
                by=teacher, group=course["group"], module=course[module], held_on=dt.date(2026, 11, 20)
            )
            for result in statement.results.select_related("enrollment"):
                text = failed if result.enrollment == failing else passing
                services.set_result(by=teacher, protocol=statement, enrollment=result.enrollment, text=text)
            services.sign_protocol(by=teacher, protocol=statement)

    return sign
