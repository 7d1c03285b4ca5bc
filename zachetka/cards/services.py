"""Freezing individual learner cards. When an enrolment ends its card is fixed as version 1;
a later change of what the card shows (a correction, a document issued, an achievement
confirmed) adds the next version; versions are never changed."""

import hashlib

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from zachetka.cards import selectors
from zachetka.cards.models import CardVersion
from zachetka.core import audit, pdf, sealing
from zachetka.organization import selectors as organization
from zachetka.programs.models import Enrollment


class CardDestroyed(Exception):
    """The learner's personal data was destroyed by an act: their frozen cards are gone too."""


FIRST_REASONS = {
    Enrollment.Status.COMPLETED: "Обучение завершено",
    Enrollment.Status.EXPELLED: "Слушатель отчислен",
}


@transaction.atomic
def refresh(enrollment: Enrollment, reason: str) -> CardVersion | None:
    """Freeze the card of an ended enrolment, or add a version if its content has changed since
    the last one; nothing for an enrolment still in progress or an unchanged card."""
    enrollment = (
        Enrollment.objects.select_related("learner", "group__program", "group__curator")
        .select_for_update(of=("self",))
        .get(pk=enrollment.pk)
    )
    if enrollment.status not in selectors.ENDED:
        return None
    content = selectors.card_content(enrollment)
    digest = selectors.content_hash(content)
    latest = CardVersion.objects.filter(enrollment=enrollment).order_by("-number").first()
    if latest is not None and latest.sha256 == digest:
        return None
    number = (latest.number + 1) if latest else 1
    version = CardVersion.objects.create(
        enrollment=enrollment,
        number=number,
        content=sealing.seal_value(
            content, enrollment.learner_id, CardVersion.sealing_context(enrollment.pk, number)
        ),
        sha256=digest,
        reason=reason if latest else FIRST_REASONS[enrollment.status],
    )
    audit.record(
        by=None,
        action=audit.Action.CARD_FROZEN,
        subject=enrollment,
        after={"version": version.number, "sha256": digest},
        reason=version.reason,
    )
    return version


def render_pdf(content: dict, *, version: CardVersion | None = None) -> bytes:
    return pdf.render_pdf(
        "cards/card_pdf.html",
        {
            "card": content,
            "version": version,
            "requisites": organization.current(),
            "printed_at": timezone.localtime(),
        },
    )


# A learner opens their card's PDF again and again while the card stays the same (it changes with
# a protocol, a document, an achievement, not with a current grade): the current card's PDF is
# kept in the shared cache for an hour under its enrolment and the viewer's variant, with the
# digest of everything it prints; a card that changed since is laid out again. The PDF says when
# it was made «по текущим данным», which stays true while the digest matches. A destruction act
# removes the kept PDFs with the learner's other files (forget_pdfs).
CURRENT_PDF_SECONDS = 3600


def _current_pdf_keys(enrollment_id: int) -> list[str]:
    return [f"cards:current-pdf:{enrollment_id}:{variant}" for variant in ("full", "partial")]


def current_pdf(enrollment: Enrollment, content: dict) -> bytes:
    """The PDF of the card as it is now (`content` as the viewer may see it)."""
    requisites = organization.current()
    digest = selectors.content_hash(
        {"card": content, "requisites": [requisites.pk, requisites.version, str(requisites.updated_at)]}
    )
    full, partial = _current_pdf_keys(enrollment.pk)
    key = partial if content.get("partial") else full
    kept_digest, kept_pdf = cache.get(key, (None, None))
    if kept_digest == digest:
        return kept_pdf
    rendered = render_pdf(content)
    cache.set(key, (digest, rendered), CURRENT_PDF_SECONDS)
    return rendered


def frozen_content(version: CardVersion) -> dict:
    """What a version froze, opened under the learner's key; CardDestroyed once their data or
    key is destroyed."""
    learner = version.enrollment.learner
    if learner.depersonalised_at is not None:
        raise CardDestroyed(learner.depersonalisation_basis)
    frozen = version.frozen_content(learner.pk)
    if frozen is None:
        raise CardDestroyed("Ключ, которым защищено содержание карты, уничтожен.")
    return frozen


@transaction.atomic
def version_pdf(version: CardVersion) -> bytes:
    """The PDF of a frozen version: rendered from its frozen content once, then kept with its
    SHA-256 and served as stored."""
    version = CardVersion.objects.select_for_update().select_related("enrollment__learner").get(pk=version.pk)
    learner = version.enrollment.learner
    if learner.depersonalised_at is not None:
        raise CardDestroyed(learner.depersonalisation_basis)
    if version.pdf:
        with version.pdf.open("rb") as stored:
            return stored.read()
    content = render_pdf(frozen_content(version), version=version)
    version.pdf_sha256 = hashlib.sha256(content).hexdigest()
    version.pdf_rendered_at = timezone.now()
    version.pdf.save(f"card-{version.enrollment_id}-v{version.number}.pdf", ContentFile(content), save=False)
    version.save(update_fields=["pdf", "pdf_sha256", "pdf_rendered_at"])
    return content


def forget_pdfs(*, learner_id: int) -> int:
    """Delete the stored PDFs of a learner's frozen card versions (a destruction act): the
    versions stay as rows, their files go; and the current cards' PDFs kept in the cache. Returns
    how many stored files were deleted."""
    enrollment_ids = Enrollment.objects.filter(learner_id=learner_id).values_list("pk", flat=True)
    cache.delete_many([key for pk in enrollment_ids for key in _current_pdf_keys(pk)])
    forgotten = 0
    for version in CardVersion.objects.filter(enrollment__learner_id=learner_id).exclude(pdf=""):
        storage, name = version.pdf.storage, version.pdf.name
        if storage.exists(name):
            # Deleted once the act's transaction commits: a rolled-back act loses nothing.
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
            forgotten += 1
    return forgotten
