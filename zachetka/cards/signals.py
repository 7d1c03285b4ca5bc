"""What changes a card. Every domain write is audited, so the cards listen to the audit trail:
for each batch of events they find the ended enrolments whose card shows the changed rows (one
query per kind of row) and refresh those cards in the same transaction."""

from collections import defaultdict

from django.dispatch import receiver

from zachetka.cards import selectors, services
from zachetka.core import audit
from zachetka.programs.models import Enrollment

# subject type → (actions that matter or None for all, how to find the enrolments, reason)
_WATCHED = {
    "programs.enrollment": (None, "pk__in", "Изменены сведения об обучении"),
    "people.learner": ({audit.Action.LEARNER_UPDATED}, "learner_id__in", "Исправлены данные слушателя"),
    # Signing a protocol changes ended enrolments only through their completion (watched above);
    # an annulment changes what their cards show directly.
    "attestation.protocol": (
        {audit.Action.PROTOCOL_ANNULLED},
        "attestation_results__protocol_id__in",
        "Изменены результаты аттестации",
    ),
    "documents.document": (None, "documents__pk__in", "Изменены сведения о выданных документах"),
    "achievements.achievement": (
        {audit.Action.ACHIEVEMENT_RECORDED, audit.Action.ACHIEVEMENT_CONFIRMED},
        "learner__achievements__pk__in",
        "Подтверждено достижение",
    ),
}


@receiver(audit.events_recorded)
def refresh_cards(sender: type, events: list, **kwargs: object) -> None:
    subjects: dict[str, set[str]] = defaultdict(set)
    reasons: dict[str, str] = {}
    for event in events:
        watched = _WATCHED.get(event.subject_type)
        if watched is None or event.action == audit.Action.CARD_FROZEN:
            continue
        actions, _, reason = watched
        if actions is None or event.action in actions:
            subjects[event.subject_type].add(event.subject_id)
            reasons[event.subject_type] = audit.ACTION_LABELS.get(event.action, reason)
    for subject_type, ids in subjects.items():
        _, lookup, _ = _WATCHED[subject_type]
        ended = Enrollment.objects.filter(status__in=selectors.ENDED, **{lookup: ids}).distinct()
        for enrollment in ended:
            services.refresh(enrollment, reasons[subject_type])
