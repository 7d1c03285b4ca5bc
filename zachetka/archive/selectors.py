"""Reads of retention: when each enrolment's electronic records fall due, who can be forgotten,
which backups hold data destroyed since."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from zachetka.archive.models import BackupRecord, DestructionAct, DestructionItem, RetentionHold
from zachetka.privacy.models import Consent
from zachetka.programs.models import Enrollment

# A written consent to processing is kept three years after it ends or is withdrawn
# (Перечень типовых управленческих архивных документов, приказ Росархива № 236, ст. 441).
CONSENT_KEPT_YEARS = 3

ENDED = (Enrollment.Status.COMPLETED, Enrollment.Status.EXPELLED)


def ended_on(enrollment: Enrollment) -> dt.date | None:
    """When studies ended: completion, or the expulsion order; None while they go on."""
    if enrollment.status == Enrollment.Status.COMPLETED:
        return enrollment.completed_on or enrollment.group.ends_on
    if enrollment.status == Enrollment.Status.EXPELLED:
        return enrollment.expulsion_order_date
    return None


def retention_on(ended: dt.date) -> dt.date:
    """The day electronic records of studies ended on `ended` fall due (regulation п. 6.1: the
    training period plus ZACHETKA_RETENTION_YEARS, counted like archival periods from 1 January
    of the year after the end, Перечень № 236 instructions)."""
    return dt.date(ended.year + 1 + settings.RETENTION_YEARS, 1, 1)


@dataclass(frozen=True)
class DueRecord:
    enrollment: Enrollment
    ended_on: dt.date
    retention_on: dt.date
    hold: RetentionHold | None

    @property
    def is_due(self) -> bool:
        return self.hold is None and self.retention_on <= timezone.localdate()


def _records(enrollments: QuerySet[Enrollment]) -> list[DueRecord]:
    holds = {
        hold.enrollment_id: hold
        for hold in RetentionHold.objects.filter(released_at__isnull=True, enrollment__in=enrollments)
    }
    records = []
    for enrollment in enrollments:
        ended = ended_on(enrollment)
        if ended is not None:
            records.append(DueRecord(enrollment, ended, retention_on(ended), holds.get(enrollment.pk)))
    return records


def due_by_month(*, months_ahead: int = 12) -> dict[dt.date, list[DueRecord]]:
    """Records of ended studies of learners not yet depersonalised, whose retention ends by
    `months_ahead` months from now, by the month they fall due (past months included)."""
    today = timezone.localdate()
    horizon = dt.date(
        today.year + (today.month + months_ahead - 1) // 12, (today.month + months_ahead - 1) % 12 + 1, 1
    )
    latest_end = dt.date(horizon.year - 1 - settings.RETENTION_YEARS, 12, 31)
    enrollments = (
        Enrollment.objects.filter(status__in=ENDED, learner__depersonalised_at__isnull=True)
        .filter(
            Q(completed_on__lte=latest_end)
            | Q(expulsion_order_date__lte=latest_end)
            | Q(group__ends_on__lte=latest_end)
        )
        .select_related("learner", "group__program")
        .order_by("learner__last_name", "learner__first_name", "pk")
    )
    months: dict[dt.date, list[DueRecord]] = defaultdict(list)
    for record in _records(enrollments):
        if record.retention_on < horizon:
            months[record.retention_on.replace(day=1)].append(record)
    return dict(sorted(months.items()))


def consents_kept_until() -> dict[int, dt.date]:
    """The day each learner's last written consent may go: CONSENT_KEPT_YEARS after the consent
    ended or was withdrawn (Перечень № 236, ст. 441), counted like archival periods from 1 January
    of the next year. Until then the consent is the operator's proof (152-ФЗ art. 9 p. 3), so the
    learner's record is not destroyed either."""
    consents = Consent.objects.select_related("withdrawal")
    kept: dict[int, dt.date] = {}
    for consent in consents:
        withdrawal = getattr(consent, "withdrawal", None)
        ended = min(consent.valid_to, withdrawal.received_on) if withdrawal else consent.valid_to
        until = dt.date(ended.year + 1 + CONSENT_KEPT_YEARS, 1, 1)
        kept[consent.learner_id] = max(until, kept.get(consent.learner_id, until))
    return kept


def learners_to_forget() -> list[int]:
    """Learners whose every study has ended, is past its retention and under no hold, whose
    consents are past their own keeping, who are not depersonalised yet nor named in an act
    still to be executed."""
    today = timezone.localdate()
    pending = DestructionItem.objects.exclude(act__status=DestructionAct.Status.EXECUTED).values("learner_id")
    consents = consents_kept_until()
    kept_for_consents = [pk for pk, until in consents.items() if until > today]
    candidates = (
        Enrollment.objects.filter(status__in=ENDED, learner__depersonalised_at__isnull=True)
        .exclude(learner_id__in=pending)
        .exclude(learner_id__in=kept_for_consents)
        .values_list("learner_id", flat=True)
        .distinct()
    )
    enrollments = Enrollment.objects.filter(learner_id__in=candidates).select_related("group", "learner")
    by_learner: dict[int, list[DueRecord | None]] = defaultdict(list)
    records = {record.enrollment.pk: record for record in _records(enrollments)}
    for enrollment in enrollments:
        by_learner[enrollment.learner_id].append(records.get(enrollment.pk))
    return sorted(
        learner_id
        for learner_id, studies in by_learner.items()
        if all(
            record is not None and record.hold is None and record.retention_on <= today for record in studies
        )
    )


def backups_to_delete() -> QuerySet[BackupRecord]:
    """Backups made before the latest executed act: they still hold what the act destroyed."""
    last = DestructionAct.objects.filter(status=DestructionAct.Status.EXECUTED).aggregate(
        at=Max("executed_at")
    )["at"]
    if last is None:
        return BackupRecord.objects.none()
    return BackupRecord.objects.filter(deleted_at__isnull=True, created_at__lt=last).order_by("created_at")
