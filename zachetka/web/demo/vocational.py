"""A vocational group, ПО-2025-01 «Слесарь-ремонтник»: statements of its three modules, the
qualification exam (ч. 1 ст. 74 273-ФЗ) with the разряд each learner was awarded, свидетельства
on blanks received into the register, and one blank spoiled in printing: written off by an act,
its holder's свидетельство printed again on the next blank."""

import datetime as dt
from typing import Any

from zachetka.attestation import services as attestation
from zachetka.attestation.models import Protocol
from zachetka.blanks import services as blanks
from zachetka.documents import services as documents
from zachetka.gradebook.models import GradingScale
from zachetka.people import services as people
from zachetka.people.models import Learner
from zachetka.programs import services as programs
from zachetka.programs.models import Enrollment, Module, Program

CODE = "ПО-2025-01"
PROGRAM = {
    "title": "Слесарь-ремонтник",
    "kind": Program.Kind.VOCATIONAL,
    "hours": 160,
    "study_form": Program.StudyForm.FULL_TIME,
    "qualification": "Слесарь-ремонтник",
}
# title, hours, form, teacher, the day of its statement (after КК-2025-01's, so numbers follow
# the calendar).
MODULES = (
    ("Охрана труда и промышленная безопасность", 24, Module.AttestationForm.CREDIT, "teacher3", "2025-10-17"),
    ("Слесарное дело и технические измерения", 56, Module.AttestationForm.EXAM, "teacher4", "2025-11-07"),
    (
        "Ремонт оборудования: производственная практика",
        80,
        Module.AttestationForm.GRADED_CREDIT,
        "teacher3",
        "2025-11-25",
    ),
)
STARTS_ON, ENDS_ON = dt.date(2025, 9, 1), dt.date(2025, 11, 28)
LEARNERS = 10
BLANK_RANGE = ("СВ", "000101", "000150", dt.date(2025, 8, 25), "Товарная накладная № 31 от 25.08.2025")
ISSUED_ON, REPRINTED_ON = dt.date(2025, 12, 1), dt.date(2025, 12, 2)
SPOILED = 3  # the fourth свидетельство in the batch is misprinted


def tell(loader: Any) -> None:
    director, registrar = loader.director, loader.users["registrar"]
    program = programs.create_program(by=director, curators=[loader.users["curator2"]], **PROGRAM)
    modules = [
        programs.create_module(
            by=director, program=program, order=order, title=title, hours=hours, attestation_form=form
        )
        for order, (title, hours, form, _, _) in enumerate(MODULES, start=1)
    ]
    group = programs.create_group(
        by=director,
        code=CODE,
        program=program,
        starts_on=STARTS_ON,
        ends_on=ENDS_ON,
        curator=loader.users["curator2"],
    )
    for module, (*_, teacher, _) in zip(modules, MODULES, strict=True):
        programs.assign_teacher(by=director, group=group, module=module, teacher=loader.users[teacher])
    enrollments = []
    for index in range(LEARNERS):
        sex = Learner.Sex.FEMALE if index % 5 == 4 else Learner.Sex.MALE
        fields = loader.adult_fields(sex) | {"snils": loader.new_snils(), "citizenship": "643"}
        learner = people.create_learner(by=director, **fields)
        enrollments.append(
            programs.enroll(
                by=director,
                learner=learner,
                group=group,
                funding=Enrollment.Funding.EMPLOYER,
                admission_order_number="96-к",
                admission_order_date=STARTS_ON,
            )
        )
    for module, (_, _, form, teacher, held_on) in zip(modules, MODULES, strict=True):
        _statement(group, module, loader.users[teacher], dt.date.fromisoformat(held_on), form)
    protocol = _qualification_exam(loader, group, program)
    loader.completion_order(protocol, number="203-в")
    _issue(registrar, protocol)


def _statement(group: Any, module: Module, teacher: Any, held_on: dt.date, form: str) -> None:
    statement = attestation.create_intermediate_statement(
        by=teacher, group=group, module=module, held_on=held_on
    )
    lines = list(statement.results.order_by("enrollment__learner__last_name", "pk"))
    text = {Module.AttestationForm.CREDIT: "зачтено"}
    entries = [
        attestation.ResultEntry(line.enrollment_id, text.get(form, "5" if index % 3 == 0 else "4"))
        for index, line in enumerate(lines)
    ]
    attestation.set_results(by=teacher, protocol=statement, entries=entries)
    attestation.sign_protocol(by=teacher, protocol=statement)


def _qualification_exam(loader: Any, group: Any, program: Program) -> Protocol:
    """The exam before the commission: the practical work earns the 3rd разряд, an excellent one
    the 4th; all members sit and sign, the chair last."""
    commission = attestation.create_commission(
        by=loader.director,
        title=f"Аттестационная комиссия по программе «{program.title}»",
        order_number="188-о",
        order_date=dt.date(2025, 11, 10),
        chair=loader.director,
        secretary=loader.users["registrar"],
        members=[loader.users["curator2"], loader.users["teacher3"]],
        program=program,
    )
    registrar = loader.users["registrar"]
    protocol = attestation.create_final_protocol(
        by=registrar,
        group=group,
        held_on=ENDS_ON,
        form=Protocol.FinalForm.QUALIFICATION_EXAM,
        commission=commission,
        scale=GradingScale.objects.get(kind=GradingScale.Kind.FIVE_POINT),
    )
    lines = list(protocol.results.order_by("enrollment__learner__last_name", "pk"))
    entries = [
        attestation.ResultEntry(
            line.enrollment_id,
            "5" if index % 4 == 0 else "4",
            qualification_grade="4 разряд" if index % 4 == 0 else "3 разряд",
        )
        for index, line in enumerate(lines)
    ]
    attestation.set_results(by=registrar, protocol=protocol, entries=entries)
    members = list(protocol.members.select_related("user").order_by("pk"))
    attestation.set_attendance(by=registrar, protocol=protocol, present=[m.user_id for m in members])
    for member in sorted(members, key=lambda m: m.role == "chair"):
        protocol = attestation.sign_protocol(by=member.user, protocol=protocol)
    return protocol


def _issue(registrar: Any, protocol: Protocol) -> None:
    series, first, last, received_on, supplier_document = BLANK_RANGE
    blanks.receive_range(
        by=registrar,
        form="po",
        series=series,
        first_number=first,
        last_number=last,
        received_on=received_on,
        supplier_document=supplier_document,
    )
    issued = documents.issue_from_protocol(
        by=registrar, protocol=protocol, issued_on=ISSUED_ON, series=series, first_number=first
    )
    misprinted = issued[SPOILED]
    documents.destroy_blank(
        by=registrar,
        document=misprinted,
        reason="При заполнении бланка допущена опечатка в отчестве; бланк испорчен, документ не выдавался",
    )
    next_free = f"{int(first) + len(issued):06d}"
    documents.issue_from_protocol(
        by=registrar,
        protocol=protocol,
        issued_on=REPRINTED_ON,
        series=series,
        first_number=next_free,
        enrollments=[misprinted.enrollment],
    )
