"""Reads of staff accounts for the administration's pages (the administration sees all staff)."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Prefetch, Q, QuerySet

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
