"""What a learner sees in the personal cabinet: only their own record."""

from django.contrib.auth.models import User

from zachetka.achievements.models import Achievement
from zachetka.cards import selectors as cards
from zachetka.core import dates
from zachetka.documents import pdf as documents_pdf
from zachetka.documents.models import Document
from zachetka.gradebook import scales
from zachetka.gradebook import selectors as gradebook
from zachetka.people.models import Learner


def own_learner(user: User) -> Learner | None:
    return Learner.objects.filter(user=user).first() if user.is_authenticated else None


def _labelled(modules: list[dict]) -> dict[int, list[dict]]:
    """Current grades by module order, each labelled with its assessment and scale."""
    return {
        entry["module"].order: [
            {
                "value": scales.on_scale(grade.value, grade.assessment.scale),
                "assessment": f"{grade.assessment.title}, {dates.format_date(grade.assessment.held_on)}",
                "is_passing": grade.is_passing,
            }
            for grade in entry["grades"]
        ]
        for entry in modules
    }


def cabinet(user: User) -> list[dict]:
    """Per own enrolment, newest first: the card's content, current grades (by module order,
    labelled with their assessment and scale), documents with their verification links."""
    grades = {entry["enrollment"].pk: _labelled(entry["modules"]) for entry in gradebook.learner_grades(user)}
    documents: dict[int, list] = {}
    for document in Document.objects.filter(enrollment__learner__user=user).order_by("registration_seq"):
        documents.setdefault(document.enrollment_id, []).append(
            {"document": document, "verify_url": documents_pdf.verification_url(document)}
        )
    studies = []
    for enrollment in (
        cards.enrollments_with_cards(user).filter(learner__user=user).order_by("-group__starts_on")
    ):
        card = cards.card_content(enrollment)
        current = grades.get(enrollment.pk, {})
        studies.append(
            {
                "enrollment": enrollment,
                "card": card,
                "modules": [
                    {**module, "grades": current.get(module["order"], [])} for module in card["modules"]
                ],
                "documents": documents.get(enrollment.pk, []),
            }
        )
    return studies


def own_achievements(user: User) -> list[Achievement]:
    return list(
        Achievement.objects.filter(learner__user=user)
        .select_related("enrollment__group")
        .order_by("-achieved_on")
    )
