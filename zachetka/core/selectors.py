import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.utils import timezone

from zachetka.core import access, audit, audit_refs, collation, names, roles, sealing
from zachetka.core.models import AuditEvent
from zachetka.core.templatetags.zachetka import audit_rows

# What an event of a learner whose key was destroyed shows instead of its sealed parts.
DESTROYED_TEXT = "сведения уничтожены"


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the centre's time zone (settings.TIME_ZONE)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events(
    user: User | AnonymousUser,
    *,
    query: str = "",
    action: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    actor: User | None = None,
    subject_type: str = "",
    subject_id: str = "",
    learners: QuerySet | Iterable[int] | None = None,
) -> QuerySet[AuditEvent]:
    """The audit trail filtered; days are the centre's local days, both ends included."""
    access.require(user, "core.view_auditevent")
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if query:
        # People are shown by ФИО: a surname or name finds their events as the login does.
        named = User.objects.filter(Q(last_name__icontains=query) | Q(first_name__icontains=query))
        events = events.filter(
            Q(actor_repr__icontains=query)
            | Q(actor_id__in=named.values("pk"))
            | Q(subject_repr__icontains=query)
            | Q(subject_id=query)
        )
    if since:
        events = events.filter(at__gte=_day_start(since))
    if until:
        events = events.filter(at__lt=_day_start(until + dt.timedelta(days=1)))
    if actor is not None:
        events = events.filter(actor_id=actor.pk)
    if subject_type:
        events = events.filter(subject_type=subject_type)
    if subject_id:
        events = events.filter(subject_id=subject_id)
    if learners is not None:
        events = events.filter(learner_id__in=learners)
    return events


def audit_staff() -> QuerySet[User]:
    """The people a page of the trail can be narrowed to: staff accounts, by ФИО."""
    return (
        User.objects.filter(Q(groups__name__in=roles.STAFF_ROLES) | Q(is_superuser=True))
        .distinct()
        .order_by(*collation.collated("last_name", "first_name"), "username")
    )


def audit_subject_types() -> list[tuple[str, str]]:
    """The kinds of object the trail has events about, named as the models name themselves."""
    found = AuditEvent.objects.exclude(subject_type="").values_list("subject_type", flat=True).distinct()
    return sorted(
        ((label, subject_type_name(label)) for label in found), key=lambda item: collation.ru_key(item[1])
    )


def subject_type_name(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


@dataclass(frozen=True)
class AuditLine:
    """One event as people read it: a person by ФИО, a local time, fields by their names."""

    seq: int
    at: dt.datetime  # in the centre's time zone
    who: str
    ip_address: str
    action: str
    subject: str
    rows: list[dict[str, str | None]]
    reason: str
    is_destroyed: bool
    learner_id: int | None
    # Every learner the line names: the event's own and those its data refers to by id.
    learner_ids: frozenset[int]

    @property
    def data_text(self) -> str:
        if self.is_destroyed:
            return DESTROYED_TEXT
        lines = []
        for row in self.rows:
            if row["before"] is not None and row["after"] is not None:
                lines.append(f"{row['label']}: {row['before']} → {row['after']}")
            else:
                lines.append(f"{row['label']}: {row['before'] if row['after'] is None else row['after']}")
        return "\n".join(lines)


def audit_lines(events: Iterable[AuditEvent]) -> list[AuditLine]:
    """The events opened (core.sealing) and named: a few queries whatever their number (the
    learners' keys, the actors' accounts, one per kind of row the events' data refers to)."""
    events = sealing.opened(events)
    people = User.objects.in_bulk({event.actor_id for event in events if event.actor_id is not None})
    referenced = [
        {} if event.subject_repr == sealing.DESTROYED else audit_refs.referenced([event]) for event in events
    ]
    wanted: dict[str, set[int]] = defaultdict(set)
    for ids in referenced:
        for label, pks in ids.items():
            wanted[label] |= pks
    refs = audit_refs.resolve(wanted)
    lines = []
    for event, ids in zip(events, referenced, strict=True):
        destroyed = event.subject_repr == sealing.DESTROYED
        named_learners = ids.get(audit_refs.LEARNER, set())
        lines.append(
            AuditLine(
                seq=event.seq,
                at=timezone.localtime(event.at),
                who=_who(event, people, destroyed=destroyed),
                ip_address=event.ip_address,
                action=audit.ACTION_LABELS.get(event.action, event.action),
                subject=DESTROYED_TEXT if destroyed else event.subject_repr,
                rows=[] if destroyed else audit_rows(event, refs),
                reason=event.reason,
                is_destroyed=destroyed,
                learner_id=event.learner_id,
                learner_ids=frozenset({event.learner_id} - {None} | named_learners),
            )
        )
    return lines


def _who(event: AuditEvent, people: dict[int, User], *, destroyed: bool) -> str:
    if not event.actor_repr:
        # A learner acting on their own data: the name was sealed with it.
        if event.actor_id is not None and destroyed:
            return DESTROYED_TEXT
        return "—"
    person = people.get(event.actor_id) if event.actor_id is not None else None
    return names.user_full_name(person) if person is not None else event.actor_repr
