"""What a learner sees in the personal cabinet: only their own record."""

from django.contrib.auth.models import User

from zachetka.achievements.models import Achievement
from zachetka.cards import selectors as cards
from zachetka.documents import pdf as documents_pdf
from zachetka.documents.models import Document
from zachetka.gradebook import selectors as gradebook
from zachetka.people.models import Learner


def own_learner(user: User) -> Learner | None:
    return Learner.objects.filter(user=user).first() if user.is_authenticated else None


def cabinet(user: User) -> list[dict]:
    """Per own enrolment, newest first: the card's content, current grades, documents with
    their verification links."""
    grades = {entry["enrollment"].pk: entry["modules"] for entry in gradebook.learner_grades(user)}
    documents: dict[int, list] = {}
    for document in Document.objects.filter(enrollment__learner__user=user).order_by("registration_seq"):
        documents.setdefault(document.enrollment_id, []).append(
            {"document": document, "verify_url": documents_pdf.verification_url(document)}
        )
    return [
        {
            "enrollment": enrollment,
            "card": cards.card_content(enrollment),
            "grades": grades.get(enrollment.pk, []),
            "documents": documents.get(enrollment.pk, []),
        }
        for enrollment in cards.enrollments_with_cards(user)
        .filter(learner__user=user)
        .order_by("-group__starts_on")
    ]


def own_achievements(user: User) -> list[Achievement]:
    return list(
        Achievement.objects.filter(learner__user=user)
        .select_related("enrollment__group")
        .order_by("-achieved_on")
    )
