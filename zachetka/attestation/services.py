"""Writes of attestation: protocols from draft to signed (then immutable), results, retakes and
academic debt, admission to final attestation and its outcome. One transaction each, audited."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from zachetka.attestation import selectors
from zachetka.attestation.models import (
    QUALIFYING_PROGRAM_KINDS,
    AcademicDebt,
    Commission,
    CommissionMember,
    Protocol,
    ProtocolCounter,
    ProtocolMember,
    ProtocolResult,
)
from zachetka.core import access, audit, names, numbering, plural
from zachetka.core.versioning import ConcurrentEditError, save_versioned
from zachetka.gradebook import selectors as gradebook_selectors
from zachetka.gradebook import services as gradebook_services
from zachetka.gradebook.models import GradingScale
from zachetka.organization import selectors as organization
from zachetka.programs import services as program_services
from zachetka.programs.models import Enrollment, Group, Module, Program, TeachingAssignment

# 273-ФЗ art. 58 ч. 5: intermediate attestation may be passed again at most twice.
MAX_ATTEMPTS = 3
# The attempt from which a commission must sit (art. 58 ч. 6: the second retake).
COMMISSION_ATTEMPT = 3

FORM_SCALES = {
    Module.AttestationForm.CREDIT: GradingScale.Kind.PASS_FAIL,
    Module.AttestationForm.GRADED_CREDIT: GradingScale.Kind.FIVE_POINT,
    Module.AttestationForm.EXAM: GradingScale.Kind.FIVE_POINT,
    Module.AttestationForm.TEST: GradingScale.Kind.HUNDRED_POINT,
}


class ProtocolLocked(ValidationError):
    def __init__(self, protocol: Protocol) -> None:
        super().__init__(
            f"Протокол № {protocol.number} {protocol.get_status_display()}: изменить его нельзя. "
            "Ошибку исправляют аннулированием протокола и составлением нового.",
            code="protocol_locked",
        )


def _require_draft(protocol: Protocol) -> None:
    if not protocol.is_draft:
        raise ProtocolLocked(protocol)


def _take_number(kind: str, year: int) -> str:
    """The next number of a kind and year, without gaps even under concurrent creation."""
    last = numbering.take_next(ProtocolCounter, kind=kind, year=year)
    return f"{Protocol.NUMBER_PREFIX[kind]}-{year}-{last:04d}"


@transaction.atomic
def create_commission(
    *,
    by: User,
    title: str,
    order_number: str,
    order_date: dt.date,
    chair: User,
    secretary: User,
    members: list[User],
    program: Program | None = None,
    group: Group | None = None,
) -> Commission:
    """Record an attestation commission approved by an order."""
    access.require(by, "attestation.add_commission")
    people = [chair, secretary, *members]
    if len({user.pk for user in people}) != len(people):
        raise ValidationError("Один человек не может занимать в комиссии два места.")
    commission = Commission(
        title=title, order_number=order_number, order_date=order_date, program=program, group=group
    )
    commission.full_clean()
    commission.save()
    seats = [(chair, CommissionMember.Role.CHAIR), (secretary, CommissionMember.Role.SECRETARY)]
    seats += [(member, CommissionMember.Role.MEMBER) for member in members]
    CommissionMember.objects.bulk_create(
        [CommissionMember(commission=commission, user=user, role=role) for user, role in seats]
    )
    audit.record(
        by=by,
        action=audit.Action.COMMISSION_CREATED,
        subject=commission,
        after={
            "order": order_number,
            "order_date": str(order_date),
            "members": {role: user.pk for user, role in seats if role != CommissionMember.Role.MEMBER}
            | {"members": [m.pk for m in members]},
        },
    )
    return commission


def attempts_made(enrollments: list[Enrollment], module: Module) -> dict[int, int]:
    """Per enrolment id: signed intermediate sittings of this module that included the learner."""
    counts = (
        ProtocolResult.objects.filter(
            enrollment__in=enrollments,
            protocol__module=module,
            protocol__kind=Protocol.Kind.INTERMEDIATE,
            protocol__status=Protocol.Status.SIGNED,
        )
        .values("enrollment_id")
        .annotate(n=Count("pk"))
    )
    return {row["enrollment_id"]: row["n"] for row in counts}


def _prefill(module: Module, scale: GradingScale, result: int | None) -> str:
    """A credit is given from current results when the gradebook shows enough (a setting)."""
    if module.attestation_form == Module.AttestationForm.CREDIT and result is not None:
        return "зачтено" if result >= settings.CREDIT_FROM_CURRENT_RESULT else ""
    return ""


@transaction.atomic
def create_intermediate_statement(
    *,
    by: User,
    group: Group,
    module: Module,
    held_on: dt.date,
    attempt: int = 1,
    commission: Commission | None = None,
    examiner: User | None = None,
    replaces: Protocol | None = None,
) -> Protocol:
    """Open a statement of a module's intermediate attestation, pre-filled from the gradebook.

    Without a commission the statement is the examiner's to sign: `examiner`, a teacher of the
    module in the group, or else the author.

    Attempt 1 lists every learner who is studying; attempts 2 and 3 (retakes) list those whose
    debt in the module is open and who have made exactly attempt − 1 attempts.
    """
    if not access.may_grade(by, group.pk, module.pk):
        raise PermissionDenied("Ведомость составляют преподаватели модуля, куратор группы и учебная часть.")
    if module.program_id != group.program_id:
        raise ValidationError("Модуль не входит в программу группы.")
    if attempt > MAX_ATTEMPTS:
        raise ValidationError(
            "Промежуточную аттестацию по модулю можно пройти повторно не более двух раз "
            "(ч. 5 ст. 58 Федерального закона № 273-ФЗ): третья пересдача не допускается."
        )
    if (
        replaces is not None
        and not Protocol.objects.filter(
            pk=replaces.pk,
            kind=Protocol.Kind.INTERMEDIATE,
            module=module,
            attempt=attempt,
            status=Protocol.Status.ANNULLED,
            replaced_by__isnull=True,
        ).exists()
    ):
        raise ValidationError(
            "Новая ведомость составляется взамен только аннулированной и ещё не заменённой, "
            "по тому же модулю и попытке."
        )
    if attempt >= COMMISSION_ATTEMPT and commission is None:
        raise ValidationError(
            "Вторая пересдача проводится комиссией (ч. 6 ст. 58 273-ФЗ): выберите комиссию."
        )
    # Statements of one group are drawn up one at a time, so the check below sees the others.
    Group.objects.select_for_update().filter(pk=group.pk).first()
    existing = (
        Protocol.objects.filter(kind=Protocol.Kind.INTERMEDIATE, group=group, module=module, attempt=attempt)
        .exclude(status=Protocol.Status.ANNULLED)
        .first()
    )
    if existing is not None:
        what = "Ведомость промежуточной аттестации" if attempt == 1 else f"Ведомость попытки № {attempt}"
        raise ValidationError(
            f"{what} по этому модулю уже составлена: № {existing.number}. "
            "Новую составляют только взамен аннулированной."
        )
    if (
        examiner is not None
        and examiner != by
        and not TeachingAssignment.objects.filter(group=group, module=module, teacher=examiner).exists()
    ):
        raise ValidationError({"examiner": "Экзаменатор — преподаватель этого модуля в группе."})
    scale = GradingScale.objects.get(kind=FORM_SCALES[module.attestation_form])
    if attempt == 1:
        enrollments = list(
            group.enrollments.filter(status=Enrollment.Status.STUDYING).select_related("learner")
        )
    else:
        debtors = AcademicDebt.objects.filter(
            enrollment__group=group, module=module, closed_at__isnull=True
        ).select_related("enrollment__learner")
        owing = [debt.enrollment for debt in debtors]
        made = attempts_made(owing, module)
        enrollments = [e for e in owing if made.get(e.pk, 0) == attempt - 1]
        if not enrollments:
            raise ValidationError(
                f"Нет слушателей с задолженностью по модулю, допущенных к попытке № {attempt}."
            )
    protocol = _insert_protocol(
        Protocol(
            kind=Protocol.Kind.INTERMEDIATE,
            number=_take_number(Protocol.Kind.INTERMEDIATE, held_on.year),
            held_on=held_on,
            group=group,
            module=module,
            attempt=attempt,
            commission=commission,
            examiner=None if commission else examiner or by,
            scale=scale,
            created_by=by,
            replaces=replaces,
        )
    )
    _seat_commission(protocol)
    grid = gradebook_selectors.grid(by, group, module) if attempt == 1 else None
    current = {row.enrollment.pk: row.result for row in grid.rows} if grid else {}
    results = []
    for enrollment in enrollments:
        mark = scale.interpret(_prefill(module, scale, current.get(enrollment.pk)))
        results.append(
            ProtocolResult(
                protocol=protocol,
                enrollment=enrollment,
                value=mark.value,
                is_passing=mark.is_passing,
                is_absent=mark.is_absent,
            )
        )
    ProtocolResult.objects.bulk_create(results)
    audit.record(
        by=by,
        action=audit.Action.PROTOCOL_CREATED,
        subject=protocol,
        after={"kind": protocol.kind, "module": module.pk, "attempt": attempt, "learners": len(results)},
    )
    return protocol


def _seat_commission(protocol: Protocol) -> None:
    """Copy the commission's members onto a new protocol; who was present is marked later."""
    if protocol.commission_id is None:
        return
    ProtocolMember.objects.bulk_create(
        ProtocolMember(protocol=protocol, user_id=seat.user_id, role=seat.role)
        for seat in CommissionMember.objects.filter(commission_id=protocol.commission_id).order_by("pk")
    )


def _check_final_form(program: Program, form: str) -> None:
    if form in Protocol.final_forms_for(program.kind):
        return
    if program.kind == Program.Kind.VOCATIONAL:
        raise ValidationError(
            {
                "form": "Профессиональное обучение завершается итоговой аттестацией в форме "
                "квалификационного экзамена (ч. 1 ст. 74 Федерального закона № 273-ФЗ): "
                "другая форма для этой программы не допускается."
            }
        )
    if form == Protocol.FinalForm.QUALIFICATION_EXAM:
        raise ValidationError(
            {
                "form": "Квалификационный экзамен — форма итоговой аттестации по программам "
                "профессионального обучения (ч. 1 ст. 74 Федерального закона № 273-ФЗ); "
                "для этой программы выберите другую форму."
            }
        )
    raise ValidationError({"form": "Неизвестная форма итоговой аттестации."})


def _insert_protocol(protocol: Protocol) -> Protocol:
    """Save a new protocol; the database refuses a second one in force (or a second replacement
    of one annulled protocol), which a concurrent request may have just made."""
    try:
        with transaction.atomic():
            protocol.save(force_insert=True)
    except IntegrityError as error:
        raise ValidationError(
            "Такой протокол уже составлен (возможно, только что, в другом окне): откройте список "
            "протоколов группы."
        ) from error
    return protocol


@dataclass(frozen=True)
class Admission:
    enrollment: Enrollment
    is_admitted: bool
    reasons: list[str]


def final_admission(group: Group) -> list[Admission]:
    """Who may sit the final attestation: learners studying with no open academic debt and
    every module's intermediate attestation passed."""
    return final_admissions([group])[group.pk]


def final_admissions(groups: list[Group]) -> dict[int, list[Admission]]:
    """`final_admission` of several groups at once, in the same number of queries as of one."""
    group_ids = [group.pk for group in groups]
    modules: dict[int, list[Module]] = {}
    for module in Module.objects.filter(program_id__in={group.program_id for group in groups}).order_by(
        "order", "pk"
    ):
        modules.setdefault(module.program_id, []).append(module)
    enrollments = (
        Enrollment.objects.filter(group_id__in=group_ids, status=Enrollment.Status.STUDYING)
        .select_related("learner")
        .order_by("learner__last_name", "learner__first_name", "learner__middle_name")
    )
    passed = set(
        ProtocolResult.objects.filter(
            protocol__group_id__in=group_ids,
            protocol__kind=Protocol.Kind.INTERMEDIATE,
            protocol__status=Protocol.Status.SIGNED,
            is_passing=True,
        ).values_list("enrollment_id", "protocol__module_id")
    )
    debts = set(
        AcademicDebt.objects.filter(enrollment__group_id__in=group_ids, closed_at__isnull=True).values_list(
            "enrollment_id", "module_id"
        )
    )
    program_of = {group.pk: group.program_id for group in groups}
    admissions: dict[int, list[Admission]] = {pk: [] for pk in group_ids}
    for enrollment in enrollments:
        reasons = []
        for module in modules.get(program_of[enrollment.group_id], []):
            if (enrollment.pk, module.pk) in debts:
                reasons.append(f"академическая задолженность по модулю «{module.title}»")
            elif (enrollment.pk, module.pk) not in passed:
                reasons.append(f"нет результата промежуточной аттестации по модулю «{module.title}»")
        admissions[enrollment.group_id].append(Admission(enrollment, not reasons, reasons))
    return admissions


@transaction.atomic
def create_final_protocol(
    *,
    by: User,
    group: Group,
    held_on: dt.date,
    form: str,
    commission: Commission,
    scale: GradingScale,
    replaces: Protocol | None = None,
) -> Protocol:
    """Open the final attestation protocol of a group for the learners admitted to it."""
    access.require(by, "attestation.add_protocol")
    if not access.manages_group(by, group.pk):
        raise PermissionDenied("Протокол итоговой аттестации составляют учебная часть и куратор группы.")
    # Final protocols of a group are drawn up one at a time, so the checks below see the others.
    Group.objects.select_for_update().filter(pk=group.pk).first()
    finals = Protocol.objects.filter(group=group, kind=Protocol.Kind.FINAL)
    in_force = finals.exclude(status=Protocol.Status.ANNULLED).first()
    if in_force is not None:
        raise ValidationError(
            f"Протокол итоговой аттестации группы уже составлен: № {in_force.number} "
            f"({in_force.get_status_display()}). Новый составляют только взамен аннулированного."
        )
    unreplaced = finals.filter(status=Protocol.Status.ANNULLED, replaced_by__isnull=True).first()
    if replaces is None and unreplaced is not None:
        raise ValidationError(
            f"Протокол № {unreplaced.number} аннулирован: новый протокол составляют взамен него."
        )
    if (
        replaces is not None
        and not finals.filter(
            pk=replaces.pk, status=Protocol.Status.ANNULLED, replaced_by__isnull=True
        ).exists()
    ):
        raise ValidationError(
            "Новый протокол составляется взамен только аннулированного и ещё не заменённого."
        )
    _check_final_form(group.program, form)
    admitted = [a.enrollment for a in final_admission(group) if a.is_admitted]
    if not admitted:
        raise ValidationError("Нет слушателей, допущенных к итоговой аттестации.")
    protocol = _insert_protocol(
        Protocol(
            kind=Protocol.Kind.FINAL,
            number=_take_number(Protocol.Kind.FINAL, held_on.year),
            held_on=held_on,
            group=group,
            final_form=form,
            commission=commission,
            scale=scale,
            created_by=by,
            replaces=replaces,
        )
    )
    ProtocolResult.objects.bulk_create([ProtocolResult(protocol=protocol, enrollment=e) for e in admitted])
    _seat_commission(protocol)
    audit.record(
        by=by,
        action=audit.Action.PROTOCOL_CREATED,
        subject=protocol,
        after={
            "kind": protocol.kind,
            "form": form,
            "learners": len(admitted),
            "replaces": replaces.number if replaces else "",
        },
    )
    return protocol


@dataclass(frozen=True)
class ResultEntry:
    """One learner's line as typed: the result and, for a defense, the topic of the work; for a
    qualification exam, the grade (разряд, класс, категория) awarded."""

    enrollment_id: int
    text: str
    work_topic: str | None = None
    qualification_grade: str | None = None


def _withdraw_signatures(protocol: Protocol) -> list[str]:
    """Take back every signature given to a draft: a signature covers the results and the
    attendance as they were signed. Returns what was withdrawn (the protocol's signature fields,
    and «member:<user id>» for the commission's ordinary members)."""
    withdrawn = [
        name
        for name in ("chair_signed_at", "secretary_signed_at", "examiner_signed_at")
        if getattr(protocol, name)
    ]
    for name in withdrawn:
        setattr(protocol, name, None)
    signed = ProtocolMember.objects.filter(protocol=protocol, signed_at__isnull=False)
    withdrawn += [
        f"member:{user_id}"
        for user_id in signed.filter(role=CommissionMember.Role.MEMBER).values_list("user_id", flat=True)
    ]
    signed.update(signed_at=None)
    return withdrawn


def _clean_grade(text: str | None, current: str) -> str:
    return current if text is None else " ".join(text.split())


@transaction.atomic
def set_results(
    *, by: User, protocol: Protocol, entries: list[ResultEntry], expected_version: int | None = None
) -> Protocol:
    """Write learners' results in a draft protocol, all or nothing.

    Every line is checked first; any bad value refuses the whole save with a message per learner
    (keyed by enrolment id). `expected_version` is the version the form was built from: a save
    over someone else's newer one is refused instead of overwriting it.
    """
    protocol = Protocol.objects.select_for_update().select_related("scale").get(pk=protocol.pk)
    _require_draft(protocol)
    if not may_fill(by, protocol):
        raise PermissionDenied(
            "Заполнять протокол могут его автор, экзаменатор, члены комиссии и учебная часть."
        )
    if expected_version is not None and protocol.version != expected_version:
        raise ConcurrentEditError(protocol)
    results = {r.enrollment_id: r for r in protocol.results.select_related("enrollment__learner")}
    scale_values = list(protocol.scale.values.all())
    grade_length = ProtocolResult._meta.get_field("qualification_grade").max_length
    errors: dict[str, str] = {}
    changed: list[ProtocolResult] = []
    before: dict[str, dict] = {}
    after: dict[str, dict] = {}
    for entry in entries:
        result = results.get(entry.enrollment_id)
        if result is None:
            raise ValidationError("Слушатель не включён в этот протокол.")
        name = result.enrollment.learner.full_name
        try:
            mark = protocol.scale.interpret(entry.text, scale_values)
        except ValidationError as error:
            errors[str(entry.enrollment_id)] = f"{name}: {error.messages[0]}"
            continue
        topic = result.work_topic if entry.work_topic is None else " ".join(entry.work_topic.split())
        if len(topic) > ProtocolResult._meta.get_field("work_topic").max_length:
            errors[str(entry.enrollment_id)] = f"{name}: тема итоговой работы длиннее 500 символов."
            continue
        grade = _clean_grade(entry.qualification_grade, result.qualification_grade)
        if len(grade) > grade_length:
            errors[str(entry.enrollment_id)] = (
                f"{name}: разряд (класс, категория) длиннее {grade_length} символов."
            )
            continue
        if grade and not mark.is_passing:
            errors[str(entry.enrollment_id)] = (
                f"{name}: разряд (класс, категория) присваивают только сдавшим квалификационный экзамен."
            )
            continue
        if (mark.value, topic, grade) == (result.value, result.work_topic, result.qualification_grade):
            continue
        key = str(result.enrollment.learner_id)
        before[key] = {"value": result.value, "work_topic": result.work_topic}
        after[key] = {"value": mark.value, "work_topic": topic}
        if grade or result.qualification_grade:
            before[key]["qualification_grade"] = result.qualification_grade
            after[key]["qualification_grade"] = grade
        result.value, result.is_passing, result.is_absent = mark.value, mark.is_passing, mark.is_absent
        result.work_topic, result.qualification_grade = topic, grade
        if protocol.kind == Protocol.Kind.FINAL:
            result.decision = (
                ProtocolResult.Decision.QUALIFICATION_DOCUMENT
                if mark.is_passing
                else ProtocolResult.Decision.CERTIFICATE_OF_STUDY
            )
        changed.append(result)
    if errors:
        raise ValidationError(errors)
    if not changed:
        return protocol
    ProtocolResult.objects.bulk_update(
        changed, ["value", "is_passing", "is_absent", "work_topic", "decision", "qualification_grade"]
    )
    withdrawn = _withdraw_signatures(protocol)
    save_versioned(
        protocol, expected_version=protocol.version, fields=[w for w in withdrawn if w.endswith("_at")]
    )
    audit.record(
        by=by,
        action=audit.Action.PROTOCOL_RESULT_SET,
        subject=protocol,
        before=before,
        after=after,
        extra={"signatures_withdrawn": withdrawn} if withdrawn else None,
    )
    return protocol


def set_result(
    *,
    by: User,
    protocol: Protocol,
    enrollment: Enrollment,
    text: str,
    work_topic: str | None = None,
    qualification_grade: str | None = None,
) -> ProtocolResult:
    """Write one learner's result in a draft protocol."""
    set_results(
        by=by,
        protocol=protocol,
        entries=[ResultEntry(enrollment.pk, text, work_topic, qualification_grade)],
    )
    return ProtocolResult.objects.get(protocol=protocol, enrollment=enrollment)


def seat_of(user: User, protocol: Protocol) -> str | None:
    """Where the user sits for this protocol: "examiner", a commission role, or None."""
    if not user.is_authenticated:
        return None
    if protocol.commission_id is None:
        return "examiner" if protocol.examiner_id == user.pk else None
    return ProtocolMember.objects.filter(protocol=protocol, user=user).values_list("role", flat=True).first()


def may_fill(user: User, protocol: Protocol) -> bool:
    """Results are entered by the author, the examiner, the commission, the module's graders and
    the registry staff."""
    if not access.may(user, "attestation.change_protocol"):
        return False
    if protocol.created_by_id == user.pk or seat_of(user, protocol) or access.sees_everything(user):
        return True
    return bool(protocol.module_id and access.may_grade(user, protocol.group_id, protocol.module_id))


def may_mark_attendance(user: User, protocol: Protocol) -> bool:
    """Who was present at a commission's sitting is recorded by the registry, the group's curator
    and the protocol's author."""
    return (
        protocol.commission_id is not None
        and access.may(user, "attestation.change_protocol")
        and (protocol.created_by_id == user.pk or access.manages_group(user, protocol.group_id))
    )


def may_sign(user: User, protocol: Protocol) -> bool:
    """The examiner signs a statement; every commission member marked present signs a protocol,
    once."""
    if not protocol.is_draft or not user.is_authenticated:
        return False
    if protocol.commission_id is None:
        return protocol.examiner_id == user.pk and not protocol.examiner_signed_at
    return ProtocolMember.objects.filter(
        protocol=protocol, user=user, is_present=True, signed_at__isnull=True
    ).exists()


def _attendance_problem(found: selectors.Attendance) -> str | None:
    if found.missing_officers:
        who = ", ".join(
            f"{m.get_role_display()} ({names.user_full_name(m.user)})" for m in found.missing_officers
        )
        return (
            f"Не отмечены присутствующими: {who}. Заседание комиссии проводится при председателе "
            "и секретаре; отметьте присутствующих или аннулируйте протокол."
        )
    if not found.has_quorum:
        total = len(found.members)
        return (
            f"Нет кворума: присутствуют {len(found.present)} из "
            f"{plural.count_with(total, 'члена', 'членов', 'членов')} комиссии, а нужно не менее "
            f"{found.needed} (больше {settings.COMMISSION_QUORUM:.0%} состава)."
        )
    return None


@transaction.atomic
def set_attendance(
    *, by: User, protocol: Protocol, present: Iterable[int], expected_version: int | None = None
) -> Protocol:
    """Record which commission members were present at a draft protocol's sitting (user ids).
    A change withdraws the signatures already given: they covered the attendance as it was."""
    protocol = Protocol.objects.select_for_update().get(pk=protocol.pk)
    _require_draft(protocol)
    if not may_mark_attendance(by, protocol):
        raise PermissionDenied(
            "Присутствующих на заседании отмечают учебная часть, куратор группы и автор протокола."
        )
    if expected_version is not None and protocol.version != expected_version:
        raise ConcurrentEditError(protocol)
    members = list(ProtocolMember.objects.filter(protocol=protocol).order_by("pk"))
    present = set(present)
    if present - {member.user_id for member in members}:
        raise ValidationError("Отметить присутствующим можно только члена комиссии этого протокола.")
    changed = [member for member in members if member.is_present != (member.user_id in present)]
    if not changed:
        return protocol
    before = sorted(member.user_id for member in members if member.is_present)
    # Withdrawn first: a member marked absent must not keep a signature (a check constraint).
    withdrawn = _withdraw_signatures(protocol)
    for member in changed:
        member.is_present = not member.is_present
    ProtocolMember.objects.bulk_update(changed, ["is_present"])
    save_versioned(
        protocol, expected_version=protocol.version, fields=[w for w in withdrawn if w.endswith("_at")]
    )
    audit.record(
        by=by,
        action=audit.Action.PROTOCOL_ATTENDANCE_SET,
        subject=protocol,
        before={"present": before},
        after={"present": sorted(present)},
        extra={"signatures_withdrawn": withdrawn} if withdrawn else None,
    )
    return protocol


def _short_names(results: Iterable[ProtocolResult]) -> str:
    return ", ".join(r.enrollment.learner.short_name for r in list(results)[:5])


def check_signable(protocol: Protocol) -> None:
    """Refuse (ValidationError) a draft that is not complete enough to sign: a result for every
    learner, a topic for every defended work, for vocational training the profession and each
    passing learner's grade, and a commission sitting with its chair, secretary and a quorum."""
    program = protocol.group.program
    empty = protocol.results.filter(value="").select_related("enrollment__learner")
    if empty:
        raise ValidationError(
            f"Не у всех слушателей есть результат ({_short_names(empty)}); неявку отмечайте «н»."
        )
    if protocol.final_form == Protocol.FinalForm.DEFENSE:
        untitled = protocol.results.filter(work_topic="", is_absent=False).select_related(
            "enrollment__learner"
        )
        if untitled:
            raise ValidationError(f"Не указана тема итоговой работы ({_short_names(untitled)}).")
    if protocol.kind == Protocol.Kind.FINAL and program.kind == Program.Kind.VOCATIONAL:
        if protocol.final_form != Protocol.FinalForm.QUALIFICATION_EXAM:
            raise ValidationError(
                f"Протокол составлен в форме «{protocol.get_final_form_display()}», а профессиональное "
                "обучение завершается квалификационным экзаменом (ч. 1 ст. 74 Федерального закона "
                "№ 273-ФЗ): аннулируйте протокол и составьте новый."
            )
        if not program.qualification:
            raise ValidationError(
                f"В программе «{program.title}» не указана профессия рабочего, должность служащего "
                "(присваиваемая квалификация): решение комиссии её называет."
            )
        ungraded = protocol.results.filter(is_passing=True, qualification_grade="").select_related(
            "enrollment__learner"
        )
        if ungraded:
            raise ValidationError(
                "Не указан присваиваемый квалификационный разряд, класс или категория "
                f"({_short_names(ungraded)})."
            )
    if protocol.commission_id is not None:
        problem = _attendance_problem(selectors.attendance(protocol))
        if problem:
            raise ValidationError(problem)


def signing_seat(by: User, protocol: Protocol) -> tuple[str, ProtocolMember | None]:
    """Where `by` signs this draft ("examiner" or a commission role) and their attendance row;
    PermissionDenied for someone with no seat, ValidationError for a seat that may not sign now
    (absent from the sitting, or signed already)."""
    _require_draft(protocol)
    if protocol.commission_id is None:
        if not by.is_authenticated or protocol.examiner_id != by.pk:
            raise PermissionDenied("Ведомость подписывает экзаменатор.")
        if protocol.examiner_signed_at:
            raise ValidationError("Вы уже подписали эту ведомость.")
        return "examiner", None
    member = ProtocolMember.objects.filter(protocol=protocol, user_id=by.pk).first()
    if member is None:
        raise PermissionDenied("Протокол подписывают члены комиссии, присутствовавшие на заседании.")
    if not member.is_present:
        raise ValidationError(
            "Вы не отмечены среди присутствовавших на заседании: протокол подписывают только "
            "присутствовавшие члены комиссии."
        )
    if member.signed_at:
        raise ValidationError("Вы уже подписали этот протокол.")
    return member.role, member


@transaction.atomic
def sign_protocol(*, by: User, protocol: Protocol, expected_version: int | None = None) -> Protocol:
    """Sign a draft as its examiner, or as a commission member present at the sitting; when every
    member present has signed (chair and secretary among them, with a quorum), the protocol
    becomes signed and its results take effect.

    `expected_version` is the version the signer read: results changed since are not signed
    unseen."""
    protocol = Protocol.objects.select_for_update().select_related("group__program").get(pk=protocol.pk)
    seat, member = signing_seat(by, protocol)
    if expected_version is not None and protocol.version != expected_version:
        raise ConcurrentEditError(protocol)
    check_signable(protocol)
    now = timezone.now()
    if member is None:
        protocol.examiner_signed_at = now
        complete = True
    else:
        member.signed_at = now
        member.save(update_fields=["signed_at"])
        if seat == CommissionMember.Role.CHAIR:
            protocol.chair_signed_at = now
        elif seat == CommissionMember.Role.SECRETARY:
            protocol.secretary_signed_at = now
        complete = selectors.attendance(protocol).signed_by_all_present
    audit.record(by=by, action=audit.Action.PROTOCOL_SIGNATURE, subject=protocol, after={"seat": seat})
    if complete:
        _record_qualifications(protocol)  # while still a draft: results are frozen once signed
        protocol.status, protocol.signed_at = Protocol.Status.SIGNED, now
    protocol.version += 1
    protocol.save()
    if complete:  # after the save: what the signing changes (enrolments, cards) sees it signed
        _take_effect(by, protocol)
        audit.record(by=by, action=audit.Action.PROTOCOL_SIGNED, subject=protocol)
    return protocol


def _record_qualifications(protocol: Protocol) -> None:
    """Write into each passing learner's line the qualification the decision awards (ПП: the
    program's qualification; ПО: the profession, with the grade already entered)."""
    program = protocol.group.program
    if protocol.kind == Protocol.Kind.FINAL and program.kind in QUALIFYING_PROGRAM_KINDS:
        protocol.results.filter(is_passing=True).update(qualification=program.qualification)


def _take_effect(by: User, protocol: Protocol) -> None:
    results = list(protocol.results.select_related("enrollment__learner"))
    if protocol.kind == Protocol.Kind.INTERMEDIATE:
        _settle_debts(protocol, results)
        if not gradebook_services.is_locked(protocol.group_id, protocol.module_id):
            gradebook_services.lock_for_attestation(by=by, protocol=protocol)
        return
    for result in results:
        program_services.complete_enrollment(
            by=by,
            enrollment=result.enrollment,
            completed_on=protocol.held_on,
            outcome=Enrollment.Outcome.PASSED if result.is_passing else Enrollment.Outcome.FAILED,
            reason=f"Протокол итоговой аттестации № {protocol.number} от {protocol.held_on:%d.%m.%Y}",
        )


def _settle_debts(protocol: Protocol, results: list[ProtocolResult]) -> None:
    now = timezone.now()
    due_on = protocol.held_on + dt.timedelta(days=organization.deadlines().academic_debt_days)
    open_debts = {
        debt.enrollment_id: debt
        for debt in AcademicDebt.objects.filter(
            enrollment__in=[r.enrollment_id for r in results], module=protocol.module, closed_at__isnull=True
        )
    }
    cleared, arisen = [], []
    for result in results:
        open_debt = open_debts.get(result.enrollment_id)
        if result.is_passing and open_debt:
            open_debt.closed_by, open_debt.closed_at = protocol, now
            cleared.append(open_debt)
        elif not result.is_passing and open_debt is None:
            arisen.append(
                AcademicDebt(
                    enrollment=result.enrollment, module=protocol.module, arisen_from=protocol, due_on=due_on
                )
            )
    AcademicDebt.objects.bulk_update(cleared, ["closed_by", "closed_at"])
    AcademicDebt.objects.bulk_create(arisen)


@transaction.atomic
def annul_protocol(*, by: User, protocol: Protocol, reason: str) -> Protocol:
    """Annul a protocol that holds a mistake (a signed one, or a draft drawn up wrongly); it stays
    on record, marked, with the reason, and a new one is drawn up in its place. The learners a
    signed final protocol completed return to the final attestation; documents issued on it are
    voided first (documents.services.annul_final_protocol does both in one transaction)."""
    access.require(by, "attestation.delete_protocol")
    protocol = Protocol.objects.select_for_update().get(pk=protocol.pk)
    if not protocol.can_become(Protocol.Status.ANNULLED):
        raise ValidationError("Протокол уже аннулирован.")
    if not reason.strip():
        raise ValidationError({"reason": "Укажите основание аннулирования."})
    # The documents issued on a final protocol are voided with it (documents.services), first.
    issued = protocol.documents.filter(state="valid").values_list("registration_number", flat=True)
    if issued:
        raise ValidationError(
            "По протоколу выданы документы (рег. № " + ", ".join(issued[:5]) + "): аннулируйте его "
            "вместе с ними, на странице аннулирования итогового протокола."
        )
    protocol.status, protocol.annulled_at, protocol.annulled_by = Protocol.Status.ANNULLED, timezone.now(), by
    protocol.annul_reason = reason.strip()
    protocol.version += 1
    protocol.save()
    # Debts that arose from the annulled sitting are void; its replacement decides anew.
    AcademicDebt.objects.filter(arisen_from=protocol, closed_at__isnull=True).update(
        closed_at=protocol.annulled_at
    )
    # Recorded before the learners return: the frozen cards of their ended studies take a version
    # showing the annulment first.
    audit.record(by=by, action=audit.Action.PROTOCOL_ANNULLED, subject=protocol, reason=protocol.annul_reason)
    if protocol.kind == Protocol.Kind.FINAL and protocol.signed_at:
        # Its decision falls with it: the learners return to the final attestation.
        why = f"Протокол итоговой аттестации № {protocol.number} аннулирован: {protocol.annul_reason}"
        for result in protocol.results.select_related("enrollment"):
            program_services.reopen_for_final_attestation(by=by, enrollment=result.enrollment, reason=why)
    return protocol
