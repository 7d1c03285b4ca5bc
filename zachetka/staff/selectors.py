"""Reads of staff accounts for the administration's pages (the administration sees all staff)."""

import datetime as dt
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from zachetka.core import collation, names, roles
from zachetka.core.models import AuditEvent
from zachetka.programs.models import Group, Module, TeachingAssignment

ACTIVE_CHOICES = {"active": True, "inactive": False}


def staff_accounts() -> QuerySet[User]:
    """Accounts of staff: with a profile or a staff role (learners' and employers' are not)."""
    ids = User.objects.filter(Q(staff_profile__isnull=False) | Q(groups__name__in=roles.STAFF_ROLES)).values(
        "pk"
    )
    return User.objects.filter(pk__in=ids)


@dataclass(frozen=True)
class StaffRow:
    user: User
    name: str
    post: str
    roles: list[str]
    taught: list[str]
    curated: list[str]
    deactivation_reason: str


def _row(user: User) -> StaffRow:
    profile = getattr(user, "staff_profile", None)
    held = {group.name for group in user.groups.all()}
    return StaffRow(
        user=user,
        name=names.user_full_name(user),
        post=profile.post if profile else "",
        roles=[role for role in roles.STAFF_ROLES if role in held],
        taught=sorted({a.group.code for a in user.teaching_assignments.all()}),
        curated=sorted(group.code for group in user.curated_groups.all()),
        deactivation_reason=profile.deactivation_reason if profile else "",
    )


def staff_list(*, role: str = "", active: str = "", query: str = "") -> list[StaffRow]:
    """Staff by surname, filtered by role, status and a name search (Cyrillic-aware on SQLite too)."""
    accounts = (
        staff_accounts()
        .select_related("staff_profile")
        .order_by(*collation.collated("last_name", "first_name"), "pk")
    )
    if role in roles.STAFF_ROLES:
        accounts = accounts.filter(groups__name=role)
    if active in ACTIVE_CHOICES:
        accounts = accounts.filter(is_active=ACTIVE_CHOICES[active])
    accounts = accounts.prefetch_related(
        "groups",
        Prefetch("teaching_assignments", queryset=TeachingAssignment.objects.select_related("group")),
        Prefetch("curated_groups", queryset=Group.objects.only("pk", "code", "curator_id")),
    )
    rows = [_row(user) for user in accounts]
    wanted = names.search_key(query)
    if wanted:
        rows = [row for row in rows if wanted in names.search_key(row.name, row.user.username)]
    return rows


def staff_member(user: User) -> StaffRow:
    return _row(
        staff_accounts()
        .select_related("staff_profile")
        .prefetch_related(
            "groups",
            Prefetch("teaching_assignments", queryset=TeachingAssignment.objects.select_related("group")),
            "curated_groups",
        )
        .get(pk=user.pk)
    )


def assignments_of(user: User) -> QuerySet[TeachingAssignment]:
    return (
        TeachingAssignment.objects.filter(teacher=user)
        .select_related("group", "module")
        .order_by("group__code", "module__order")
    )


def curated_by(user: User) -> QuerySet[Group]:
    return Group.objects.filter(curator=user).select_related("program").order_by("code")


def open_groups() -> QuerySet[Group]:
    """Groups one may assign to: all of them, newest first (finished ones keep their history)."""
    return Group.objects.select_related("program").order_by("-starts_on", "code")


def group_modules() -> list[tuple[Group, Module]]:
    """Every group × module of its program, for the teaching-assignment choice."""
    groups = list(open_groups())
    modules: dict[int, list[Module]] = {}
    for module in Module.objects.filter(program__in={g.program_id for g in groups}).order_by("order", "pk"):
        modules.setdefault(module.program_id, []).append(module)
    return [(group, module) for group in groups for module in modules.get(group.program_id, [])]


def events_about(user: User, limit: int = 20) -> list[AuditEvent]:
    """The latest audit events whose subject is the account (created, changed, deactivated)."""
    return list(AuditEvent.objects.about(user).order_by("-seq")[:limit])


# --- Log-ins: failures and current lock-outs (django-axes) ---


def _period_filter(field: str, since: dt.date | None, until: dt.date | None) -> Q:
    """Both days included, in the centre's time zone."""
    zone = timezone.get_current_timezone()
    period = Q()
    if since:
        period &= Q(**{f"{field}__gte": dt.datetime.combine(since, dt.time.min, tzinfo=zone)})
    if until:
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        period &= Q(**{f"{field}__lt": end})
    return period


def login_failures(
    *, since: dt.date | None = None, until: dt.date | None = None, login: str = ""
) -> QuerySet[AccessFailureLog]:
    """Failed log-ins, newest first (axes keeps a bounded log: core.login_lockout)."""
    failures = AccessFailureLog.objects.filter(_period_filter("attempt_time", since, until))
    if login.strip():
        failures = failures.filter(username__icontains=login.strip())
    return failures.only("attempt_time", "username", "ip_address", "locked_out").order_by(
        "-attempt_time", "-pk"
    )


@dataclass(frozen=True)
class Lockout:
    """A lock-out in force: a login at an address (username set) or an address for every login."""

    username: str
    ip_address: str
    failures: int
    last_attempt: dt.datetime
    ends_by: dt.datetime


def lockouts() -> list[Lockout]:
    """The lock-outs in force now, decided as core.login_lockout does: a (login, address) pair
    with AXES_FAILURE_LIMIT failures within the cool-off, an address with
    LOGIN_ADDRESS_FAILURE_LIMIT failures under any logins. A lock ends by itself at the latest
    AXES_COOLOFF_TIME after the last failure."""
    cooloff = settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cooloff)
    found = [
        Lockout(
            username="",
            ip_address=row["ip_address"],
            failures=row["failures"],
            last_attempt=row["last"],
            ends_by=row["last"] + cooloff,
        )
        for row in recent.values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    ]
    locked_addresses = {lock.ip_address for lock in found}
    found += [
        Lockout(
            username=row["username"] or "",
            ip_address=row["ip_address"],
            failures=row["failures"],
            last_attempt=row["last"],
            ends_by=row["last"] + cooloff,
        )
        for row in recent.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        if row["ip_address"] not in locked_addresses  # lifting the address lifts these too
    ]
    return sorted(found, key=lambda lock: lock.last_attempt, reverse=True)


def lockout(*, username: str, ip_address: str) -> Lockout | None:
    """The lock-out in force for this pair (or, with no username, this address), if any."""
    for lock in lockouts():
        if lock.username == username and lock.ip_address == ip_address:
            return lock
    return None
