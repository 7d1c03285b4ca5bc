"""Writes of achievements: recorded by staff (confirmed at once) or proposed by the learner and
then confirmed or rejected by a curator or the registry. One transaction each, audited."""

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zachetka.achievements.models import Achievement
from zachetka.core import access, audit
from zachetka.core.versioning import ConcurrentEditError, save_versioned
from zachetka.people.models import Learner
from zachetka.programs.models import Enrollment


@dataclass(frozen=True)
class EvidenceType:
    label: str
    extension: str
    content_type: str


# What an evidence file's first bytes must be; the name's extension is not trusted.
SIGNATURES = {
    b"%PDF-": EvidenceType("PDF", ".pdf", "application/pdf"),
    b"\x89PNG\r\n\x1a\n": EvidenceType("PNG", ".png", "image/png"),
    b"\xff\xd8\xff": EvidenceType("JPEG", ".jpg", "image/jpeg"),
}
# Markup a browser, an SVG renderer or PHP would run. A file that is a PDF or an image by its
# first bytes yet carries any of it is a polyglot made to be served as something else.
_ACTIVE_CONTENT = re.compile(
    rb"<(?:html|script|svg[\s/>]|\?php|!doctype\s+html|iframe|body|object|embed)", re.IGNORECASE
)


def evidence_type(head: bytes) -> EvidenceType | None:
    """The type of an evidence file by its first bytes, or None if it is not one accepted."""
    return next((kind for signature, kind in SIGNATURES.items() if head.startswith(signature)), None)


def check_evidence(
    upload: UploadedFile | None, *, field: str = "evidence", limit: int | None = None
) -> EvidenceType | None:
    """Refuse a file that is too large, is not really a PDF or an image whatever its name, or
    hides markup; return the type its content shows. Other apps' scans (paper originals) pass
    their form field and size limit."""
    if upload is None:
        return None
    limit = limit or settings.ACHIEVEMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {field: f"Файл «{upload.name}» больше {limit // (1024 * 1024)} МБ: уменьшите его."}
        )
    upload.seek(0)
    content = upload.read(limit + 1)
    upload.seek(0)
    kind = evidence_type(content[:16])
    if kind is None:
        raise ValidationError(
            {
                field: f"Файл «{upload.name}» — не PDF и не изображение (PNG, JPEG) по содержимому, "
                "даже если так назван. Приложите скан в PDF, PNG или JPEG."
            }
        )
    if _ACTIVE_CONTENT.search(content):
        raise ValidationError(
            {
                field: f"Файл «{upload.name}» похож на {kind.label}, но содержит HTML, SVG или PHP. "
                f"Сохраните документ заново как {kind.label} (например, «Печать в PDF») и приложите его."
            }
        )
    return kind


def _check_fields(learner: Learner, enrollment: Enrollment | None, achieved_on: dt.date, title: str) -> None:
    if enrollment is not None and enrollment.learner_id != learner.pk:
        raise ValidationError({"enrollment": "Это обучение другого слушателя."})
    if achieved_on > timezone.localdate():
        raise ValidationError({"achieved_on": "Дата достижения не может быть в будущем."})
    if not title.strip():
        raise ValidationError({"title": "Укажите название."})


def _create(
    *,
    by: User,
    learner: Learner,
    status: str,
    title: str,
    kind: str,
    achieved_on: dt.date,
    description: str = "",
    enrollment: Enrollment | None = None,
    evidence: UploadedFile | None = None,
) -> Achievement:
    _check_fields(learner, enrollment, achieved_on, title)
    detected = check_evidence(evidence)
    achievement = Achievement(
        learner=learner,
        enrollment=enrollment,
        title=title.strip(),
        kind=kind,
        achieved_on=achieved_on,
        description=description.strip(),
        status=status,
        created_by=by,
    )
    if status == Achievement.Status.CONFIRMED:
        achievement.decided_by, achievement.decided_at = by, timezone.now()
    if evidence is not None and detected is not None:
        achievement.evidence_name = Path(evidence.name).name[:255]
        # Stored under a name of its own with the extension of what the file is: the uploaded
        # name only labels the download.
        achievement.evidence.save(f"{uuid.uuid4().hex}{detected.extension}", evidence, save=False)
    achievement.save()
    audit.record(
        by=by,
        action=audit.Action.ACHIEVEMENT_RECORDED
        if status == Achievement.Status.CONFIRMED
        else audit.Action.ACHIEVEMENT_PROPOSED,
        subject=achievement,
        after={
            "title": achievement.title,
            "kind": kind,
            "achieved_on": achieved_on.isoformat(),
            "status": status,
        },
    )
    return achievement


def decidable_by(user: User) -> Q:
    """Achievements whose confirmation is the user's word: not tied to a study, or tied to one in
    a group the user runs (a curator does not confirm for another curator's group)."""
    return Q(enrollment__isnull=True) | Q(
        enrollment__in=Enrollment.objects.filter(access.managed_enrollment_scope(user))
    )


@transaction.atomic
def record(*, by: User, learner: Learner, **fields: object) -> Achievement:
    """Staff record an achievement; it is confirmed at once."""
    access.require(by, "achievements.add_achievement")
    if not Learner.objects.visible_to(by).filter(pk=learner.pk).exists():
        raise PermissionDenied("Слушатель недоступен.")
    enrollment = fields.get("enrollment")
    if (
        enrollment is not None
        and not Enrollment.objects.filter(access.managed_enrollment_scope(by), pk=enrollment.pk).exists()
    ):
        raise ValidationError({"enrollment": "Это обучение в группе, которую вы не ведёте."})
    return _create(by=by, learner=learner, status=Achievement.Status.CONFIRMED, **fields)


@transaction.atomic
def propose(*, by: User, **fields: object) -> Achievement:
    """A learner proposes an achievement of their own; it waits for a curator."""
    learner = Learner.objects.filter(user=by).first()
    if learner is None or not access.is_learner(by):
        raise PermissionDenied("Предложить достижение может только сам слушатель.")
    return _create(by=by, learner=learner, status=Achievement.Status.PROPOSED, **fields)


def _decide(by: User, achievement: Achievement, expected_version: int | None) -> Achievement:
    access.require(by, "achievements.change_achievement")
    locked = Achievement.objects.visible_to(by).select_for_update().filter(pk=achievement.pk).first()
    if locked is None:
        raise PermissionDenied("Достижение недоступно.")
    if not Achievement.objects.filter(decidable_by(by), pk=locked.pk).exists():
        raise PermissionDenied("Решение по достижению в рамках обучения принимает куратор этой группы.")
    if locked.status != Achievement.Status.PROPOSED:
        raise ValidationError(f"Решение уже принято: {locked.get_status_display()}.")
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(locked)
    return locked


@transaction.atomic
def confirm(*, by: User, achievement: Achievement, expected_version: int | None = None) -> Achievement:
    achievement = _decide(by, achievement, expected_version)
    achievement.status, achievement.decided_by, achievement.decided_at = (
        Achievement.Status.CONFIRMED,
        by,
        timezone.now(),
    )
    save_versioned(
        achievement, expected_version=achievement.version, fields=["status", "decided_by", "decided_at"]
    )
    audit.record(
        by=by, action=audit.Action.ACHIEVEMENT_CONFIRMED, subject=achievement, after={"status": "confirmed"}
    )
    return achievement


@transaction.atomic
def reject(
    *, by: User, achievement: Achievement, reason: str, expected_version: int | None = None
) -> Achievement:
    if not reason.strip():
        raise ValidationError({"reason": "Укажите причину отказа: слушатель её увидит."})
    achievement = _decide(by, achievement, expected_version)
    achievement.status, achievement.decided_by, achievement.decided_at = (
        Achievement.Status.REJECTED,
        by,
        timezone.now(),
    )
    achievement.reject_reason = reason.strip()
    save_versioned(
        achievement,
        expected_version=achievement.version,
        fields=["status", "decided_by", "decided_at", "reject_reason"],
    )
    audit.record(
        by=by,
        action=audit.Action.ACHIEVEMENT_REJECTED,
        subject=achievement,
        after={"status": "rejected"},
        reason=achievement.reject_reason,
    )
    return achievement


@transaction.atomic
def forget_evidence(*, by: User | None, learner: Learner) -> int:
    """Delete the evidence files of a learner whose personal data is being destroyed (a
    destruction act); the achievements stay, without their files. Returns how many went."""
    forgotten = 0
    for achievement in Achievement.objects.select_for_update().filter(learner=learner).exclude(evidence=""):
        storage, name = achievement.evidence.storage, achievement.evidence.name
        # The file goes only once the act's transaction commits: a rolled-back act loses nothing.
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        achievement.evidence = ""
        achievement.evidence_name = ""
        achievement.save(update_fields=["evidence", "evidence_name"])
        forgotten += 1
    return forgotten
