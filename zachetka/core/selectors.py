from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from zachetka.core import access
from zachetka.core.models import AuditEvent


def audit_events(user: User | AnonymousUser, *, query: str = "", action: str = "") -> QuerySet[AuditEvent]:
    access.require(user, "core.view_auditevent")
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if query:
        events = events.filter(
            Q(actor_repr__icontains=query) | Q(subject_repr__icontains=query) | Q(subject_id=query)
        )
    return events
