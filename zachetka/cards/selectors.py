"""The content of an individual learner card, read from the record (presentation-ready text, so
a frozen version shows exactly what was frozen)."""

import hashlib
import json

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from zachetka.achievements.models import Achievement
from zachetka.attestation.models import AcademicDebt, Protocol, ProtocolResult
from zachetka.cards.models import CardVersion
from zachetka.core import access, dates, names, personal_fields, snils
from zachetka.documents.models import Document
from zachetka.gradebook import scales
from zachetka.programs.models import Enrollment

Actor = User | AnonymousUser
ENDED = (Enrollment.Status.COMPLETED, Enrollment.Status.EXPELLED)


def _date(value) -> str:  # noqa: ANN001
    return dates.format_date(value) if value else ""


def enrollments_with_cards(user: Actor) -> QuerySet[Enrollment]:
    """Enrolments whose cards the user may open: staff in their scope, a learner their own."""
    return Enrollment.objects.visible_to(user).select_related("learner", "group__program", "group__curator")


def card_content(enrollment: Enrollment) -> dict:
    """Everything the card shows, as text."""
    learner, group = enrollment.learner, enrollment.group
    program = group.program
    results = list(
        ProtocolResult.objects.filter(enrollment=enrollment)
        .exclude(protocol__status=Protocol.Status.DRAFT)
        .select_related("protocol__scale")
        .prefetch_related("protocol__scale__values")
        .order_by("protocol__held_on", "protocol__attempt", "protocol__pk")
    )
    attempts: dict[int, list[dict]] = {}
    final = None
    for result in results:
        protocol = result.protocol
        line = {
            "protocol": protocol.number,
            "date": _date(protocol.held_on),
            "attempt": protocol.attempt,
            "value": scales.in_words(
                result.value, protocol.scale, sex=learner.sex, values=list(protocol.scale.values.all())
            ),
            "passed": result.is_passing,
            "annulled": protocol.status == Protocol.Status.ANNULLED,
        }
        if protocol.kind == Protocol.Kind.INTERMEDIATE:
            attempts.setdefault(protocol.module_id, []).append(line)
        elif not line["annulled"]:
            final = line | {
                "form": protocol.get_final_form_display(),
                "topic": result.work_topic,
                "decision": (
                    f"выдать {program.completion_document}"
                    if result.decision == ProtocolResult.Decision.QUALIFICATION_DOCUMENT
                    else "выдать справку об обучении"
                ),
            }
    modules = []
    for module in program.modules.order_by("order"):
        valid = [a for a in attempts.get(module.pk, []) if not a["annulled"]]
        modules.append(
            {
                "order": module.order,
                "title": module.title,
                "hours": module.hours,
                "form": module.get_attestation_form_display(),
                "result": valid[-1]["value"] if valid else "",
                "attempts": attempts.get(module.pk, []),
            }
        )
    debts = [
        {"module": debt.module.title, "due_on": _date(debt.due_on)}
        for debt in AcademicDebt.objects.filter(enrollment=enrollment, closed_at__isnull=True).select_related(
            "module"
        )
    ]
    documents = [
        {
            "kind": d.get_kind_display(),
            "registration_number": d.registration_number,
            "issued_on": _date(d.issued_on),
            "blank": f"{d.series} {d.number}".strip() if d.kind in Document.ON_BLANK else "",
            "state": d.get_state_display(),
            "issue": d.get_issue_display(),
        }
        for d in Document.objects.filter(enrollment=enrollment).order_by(
            "registration_year", "registration_seq"
        )
    ]
    achievements = [
        {
            "title": a.title,
            "kind": a.get_kind_display(),
            "date": _date(a.achieved_on),
            "description": a.description,
        }
        for a in Achievement.objects.filter(learner=learner, status=Achievement.Status.CONFIRMED)
        .filter(Q(enrollment=enrollment) | Q(enrollment__isnull=True))
        .order_by("achieved_on", "pk")
    ]
    return {
        "learner": {
            "full_name": learner.full_name,
            "birth_date": _date(learner.birth_date),
            "sex": learner.get_sex_display(),
            "snils": snils.format_snils(learner.snils),
            "citizenship": learner.citizenship,
            "education": learner.get_education_level_display() if learner.education_level else "",
            "diploma": " ".join(p for p in (learner.diploma_series, learner.diploma_number) if p),
            "diploma_last_name": learner.diploma_last_name,
        },
        "program": {
            "title": program.title,
            "kind": program.get_kind_display(),
            "hours": program.hours,
            "study_form": program.get_study_form_display(),
            "qualification": program.qualification,
        },
        "group": {
            "code": group.code,
            "starts_on": _date(group.starts_on),
            "ends_on": _date(group.ends_on),
            "curator": names.user_full_name(group.curator) if group.curator else "",
        },
        "enrollment": {
            "status": enrollment.status_label,
            "funding": enrollment.get_funding_display(),
            "admission_order": _order(enrollment.admission_order_number, enrollment.admission_order_date),
            "expulsion_order": _order(enrollment.expulsion_order_number, enrollment.expulsion_order_date),
            "expulsion_reason": enrollment.expulsion_reason,
            "completed_on": _date(enrollment.completed_on),
            "completion_order": _order(enrollment.completion_order_number, enrollment.completion_order_date),
            "outcome": enrollment.get_outcome_display() if enrollment.outcome else "",
        },
        "modules": modules,
        "final": final,
        "debts": debts,
        "documents": documents,
        "achievements": achievements,
    }


# The lines of a card's «Сведения об обучающемся» and the learner field each one shows; a line
# not listed here is shown to nobody but those who see every field.
_CARD_LINE_FIELDS = {
    "full_name": "last_name",
    "sex": "sex",
    "birth_date": "birth_date",
    "snils": "snils",
    "citizenship": "citizenship",
    "education": "education_level",
    "diploma": "diploma_number",
    "diploma_last_name": "diploma_last_name",
}


def shows_whole_card(user: Actor, enrollment: Enrollment) -> bool:
    """The user sees every personal field the card holds (so may have the frozen PDF as kept)."""
    return access.visible_personal_fields(user, enrollment.learner) >= personal_fields.ALL


def for_viewer(user: Actor, enrollment: Enrollment, content: dict) -> dict:
    """The card (current or frozen content) as `user` may read it: the lines of personal fields
    their role does not need are left out (access.visible_personal_fields)."""
    shown = access.visible_personal_fields(user, enrollment.learner)
    learner = {
        line: value
        for line, value in content["learner"].items()
        if line in _CARD_LINE_FIELDS and _CARD_LINE_FIELDS[line] in shown
    }
    return content | {"learner": learner, "partial": not shows_whole_card(user, enrollment)}


def _order(number: str, date) -> str:  # noqa: ANN001
    return f"№ {number} от {_date(date)}" if number else ""


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def versions_of(enrollment: Enrollment) -> list[CardVersion]:
    return list(CardVersion.objects.filter(enrollment=enrollment).order_by("number"))


def may_open_card(user: Actor, enrollment: Enrollment) -> bool:
    """Staff who keep the learner's enrolments, or the learner themself."""
    if access.is_learner(user) and enrollment.learner.user_id == user.pk:
        return True
    return access.is_staff_member(user) and access.may(user, "programs.view_enrollment")
