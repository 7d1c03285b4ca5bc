"""Writes to learners: each function is one transaction with its audit event."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zachetka.core import audit, names, snils
from zachetka.core.writes import create_audited, update_audited
from zachetka.people.importing import PlannedRow
from zachetka.people.models import Learner


def normalise(learner: Learner) -> None:
    """Tidy what people type: spaces in names and numbers, СНИЛС digits, e-mail case; refresh
    the search key."""
    for field in (
        "last_name",
        "first_name",
        "middle_name",
        "diploma_last_name",
        "diploma_series",
        "diploma_number",
        "representative_name",
        "representative_kind",
    ):
        setattr(learner, field, names.clean_name_part(getattr(learner, field)))
    if learner.snils:
        try:
            learner.snils = snils.normalize(learner.snils)
        except snils.SnilsError as error:
            raise ValidationError({"snils": str(error)}) from error
    learner.email = learner.email.strip().lower()
    learner.refresh_search_key()


def _check_snils_free(learner: Learner) -> None:
    if not learner.snils:
        return
    clash = Learner.objects.filter(snils=learner.snils).exclude(pk=learner.pk).first()
    if clash:
        raise ValidationError(
            {"snils": f"Этот СНИЛС уже указан у слушателя {clash.full_name} (№ {clash.pk})."}
        )


def _prepare(learner: Learner) -> None:
    normalise(learner)
    _check_snils_free(learner)


@transaction.atomic
def create_learner(*, by: User, **fields: Any) -> Learner:
    """Add a learner to the record."""
    learner = Learner(**fields)
    _prepare(learner)
    return create_audited(by=by, instance=learner, action=audit.Action.LEARNER_CREATED, exclude=["user"])


def update_learner(
    *, by: User, learner: Learner, expected_version: int, reason: str = "", **changes: Any
) -> Learner:
    """Change a learner's data; refuse if someone else saved a newer version meanwhile."""
    return update_audited(
        by=by,
        instance=learner,
        changes=changes,
        expected_version=expected_version,
        action=audit.Action.LEARNER_UPDATED,
        reason=reason,
        prepare=_prepare,
        exclude=["user"],
    )


# What depersonalisation destroys, as the destruction act names it (Приказ РКН № 179).
DESTROYED_CATEGORIES = (
    "фамилия, имя, отчество",
    "дата рождения",
    "СНИЛС",
    "гражданство",
    "контактные данные (телефон, электронная почта)",
    "сведения о предыдущем образовании",
    "сведения о законном представителе",
    "учётная запись личного кабинета",
)


@transaction.atomic
def depersonalise(*, by: User, learner: Learner, basis: str) -> Learner:
    """Destroy a learner's personal data, keeping the row their results and documents refer to
    (named «Обезличено № <id>»); the login to the cabinet is closed and stripped. Values are not
    audited: recording them would keep what is being destroyed."""
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    if learner.depersonalised_at is not None:
        return learner
    kept = {"birth_date", "sex", "last_name", "first_name"}
    blank = {name: "" for name in Learner.AUDITED_FIELDS if name not in kept}
    Learner.objects.filter(pk=learner.pk).update(
        **blank,
        last_name="Обезличено",
        first_name=f"№ {learner.pk}",
        birth_date=None,
        search_key=names.search_key("Обезличено", str(learner.pk), ""),
        depersonalised_at=timezone.now(),
        updated_at=timezone.now(),  # an integration syncing «changed since» must learn of it
        depersonalisation_basis=basis[:255],
        user=None,
        version=F("version") + 1,
    )
    if learner.user_id:
        User.objects.filter(pk=learner.user_id).update(
            is_active=False, username=f"forgotten-{learner.user_id}", email="", first_name="", last_name=""
        )
    audit.record(
        by=by,
        action=audit.Action.LEARNER_DEPERSONALISED,
        subject=learner,
        after={"categories": list(DESTROYED_CATEGORIES)},
        reason=basis,
    )
    return Learner.objects.get(pk=learner.pk)


@dataclass
class ImportOutcome:
    created: list[Learner]
    updated: list[Learner]
    unchanged: list[Learner]

    @property
    def learners(self) -> list[Learner]:
        return [*self.created, *self.updated, *self.unchanged]


# How often (in rows) an import tells `on_step` how far it is.
IMPORT_STEP_ROWS = 200


@transaction.atomic
def import_learners(
    *,
    by: User,
    planned: list[PlannedRow],
    source: str,
    on_step: Callable[[int, int], None] | None = None,
) -> ImportOutcome:
    """Create and update learners from a checked file, all or nothing, each change audited.
    `on_step(rows done, rows in all)`, if given, is told every IMPORT_STEP_ROWS rows."""
    created: list[Learner] = []
    updated: list[Learner] = []
    unchanged: list[Learner] = []
    entries: list[audit.Entry] = []
    locked = {
        learner.pk: learner
        for learner in Learner.objects.select_for_update().filter(
            pk__in=[item.learner.pk for item in planned if item.learner is not None]
        )
    }
    for done, item in enumerate(planned, start=1):
        if on_step is not None and (done % IMPORT_STEP_ROWS == 0 or done == len(planned)):
            on_step(done, len(planned))
        if item.learner is None:
            learner = Learner(**item.values)
            learner.refresh_search_key()
            created.append(learner)
            continue
        learner = locked[item.learner.pk]
        if not item.changes:
            unchanged.append(learner)
            continue
        before = audit.snapshot(learner, item.changes)
        for name, (_, new) in item.changes.items():
            setattr(learner, name, new)
        learner.refresh_search_key()
        learner.version += 1
        updated.append(learner)
        entries.append(
            audit.Entry(
                action=audit.Action.LEARNER_UPDATED,
                subject=learner,
                before=before,
                after=audit.snapshot(learner, item.changes),
                reason=f"Импорт из файла {source}, строка {item.row}",
            )
        )
    Learner.objects.bulk_create(created)  # Django sizes batches to the database's limits
    Learner.objects.bulk_update(
        updated, fields=[*Learner.AUDITED_FIELDS, "search_key", "version"], batch_size=500
    )
    for learner in created:
        entries.append(
            audit.Entry(
                action=audit.Action.LEARNER_CREATED,
                subject=learner,
                after=audit.snapshot(learner, Learner.AUDITED_FIELDS),
                reason=f"Импорт из файла {source}",
            )
        )
    entries.append(
        audit.Entry(
            action=audit.Action.LEARNERS_IMPORTED,
            extra={
                "source": source,
                "created": len(created),
                "updated": len(updated),
                "unchanged": len(unchanged),
            },
        )
    )
    audit.record_many(entries, by=by)
    return ImportOutcome(created=created, updated=updated, unchanged=unchanged)
