"""Writes of the access log: one row per response that showed learners' data."""

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from zachetka.accesslog import export, selectors
from zachetka.accesslog.models import AccessRecord
from zachetka.core import access, audit, names, roles
from zachetka.people.models import Learner

_KINDS = {
    "application/pdf": AccessRecord.Kind.PDF,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": AccessRecord.Kind.XLSX,
    "application/zip": AccessRecord.Kind.ZIP,
    "text/html": AccessRecord.Kind.PAGE,
}


def kind_of(content_type: str) -> str:
    return _KINDS.get(content_type.split(";")[0].strip().lower(), AccessRecord.Kind.OTHER)


def roles_of(user: User) -> str:
    """The account's roles as the extract names them (a superuser has none of the groups)."""
    held = [role for role in roles.ALL_ROLES if access.has_role(user, role)]
    if not held and user.is_superuser:
        held = ["администратор системы"]
    return ", ".join(held)


def record_access(
    *, by: User, learner_ids: Iterable[int], view_name: str, object_id: str, path: str, content_type: str
) -> AccessRecord:
    """Log that `by` was shown these learners' data: a single INSERT, whatever their number.

    Not an audit event: reading changes nothing, and the audit chain serialises writers on its
    head row, which every page view would then wait for."""
    ids = set(learner_ids)
    return AccessRecord.objects.create(
        at=timezone.now(),
        user_id=by.pk,
        actor_name=names.user_full_name(by)[:150],
        actor_roles=roles_of(by)[:200],
        view_name=view_name[:100],
        object_id=object_id[:64],
        path=path[:255],
        kind=kind_of(content_type),
        learner_ids=AccessRecord.encode(ids),
        learner_count=len(ids),
    )


@transaction.atomic
def issue_extract(*, by: User, learner: Learner, since: dt.date, until: dt.date) -> bytes:
    """Make a learner's own extract of who opened their data in a period (XLSX), audited."""
    rows = selectors.accesses(learner, since, until)
    content = export.workbook(learner, since, until, rows)
    audit.record(
        by=by,
        action=audit.Action.ACCESS_EXTRACT_ISSUED,
        subject=learner,
        extra={"since": since.isoformat(), "until": until.isoformat(), "rows": len(rows)},
    )
    return content
