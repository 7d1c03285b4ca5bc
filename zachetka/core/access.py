"""Who may see and do what: the one place every view and selector asks.

Two questions, answered separately:
- which rows a user may see (`*_scope` functions returning a Q for `visible_to()` querysets):
  a row outside the scope does not exist for that user (404);
- which actions a user may take (`require`): a role without the permission gets 403.

A third question, for the rows a user sees: which of a learner's personal fields they see
(`visible_personal_fields`, from the table in `personal_fields.py`); a page, PDF or export
prints, and a search matches, only those.

Scopes refer to other apps' models by label (apps.get_model), so `core` imports no other app.
"""

from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, Expression, ExpressionWrapper, OuterRef, Q, Value

from zachetka.core import personal_fields, roles

Actor = User | AnonymousUser
_NOTHING = Q(pk__in=[])


def public(view):  # noqa: ANN001, ANN201 - a view decorator
    """Open a view to anyone, logged in or not (LoginRequiredMiddleware guards all others).

    Every public view of the site is marked here, so they are found in one search."""
    return login_not_required(view)


def role_names(user: Actor) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_zachetka_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._zachetka_roles = cached
    return cached


def remember_roles(user: Actor, names: Iterable[str]) -> None:
    """Keep roles read together with the user (core.backends), so role_names asks nothing."""
    user._zachetka_roles = frozenset(names)


def has_role(user: Actor, role: str) -> bool:
    return role in role_names(user)


def sees_everything(user: Actor) -> bool:
    """Administration and administrative staff keep the whole record (architecture: roles)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(role_names(user) & {roles.ADMINISTRATION, roles.STAFF})


def is_staff_member(user: Actor) -> bool:
    return sees_everything(user) or bool(role_names(user) & {roles.CURATOR, roles.TEACHER})


def is_learner(user: Actor) -> bool:
    return has_role(user, roles.LEARNER)


_ROLE_PERMISSIONS = {role: frozenset(permissions) for role, permissions in roles.PERMISSIONS.items()}


def may(user: Actor, permission: str) -> bool:
    """Whether the user's roles grant a permission (Django's "app_label.codename").

    The roles' permissions are the code table `roles.PERMISSIONS` (synced to the groups after
    migrate; no user is granted a permission of their own), so this asks the roles the request
    already knows instead of two queries for user and group permissions."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return any(permission in _ROLE_PERMISSIONS.get(name, ()) for name in role_names(user))


def role_permissions(user: Actor) -> frozenset[str]:
    """Every permission the user's roles grant (what Django's `user.has_perm` and `{{ perms }}`
    answer through core.backends, without their two queries)."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    return frozenset().union(*(_ROLE_PERMISSIONS.get(name, ()) for name in role_names(user)))


def require(user: Actor, permission: str) -> None:
    if not may(user, permission):
        raise PermissionDenied("Недостаточно прав для этого действия.")


def _taught_group_ids(user: Actor):
    assignment = apps.get_model("programs", "TeachingAssignment")
    return assignment.objects.filter(teacher=user).values("group_id")


def _curated_group_ids(user: Actor):
    group = apps.get_model("programs", "Group")
    return group.objects.filter(Q(curator=user) | Q(program__curators=user)).values("pk")


def group_scope(user: Actor, prefix: str = "") -> Q:
    """Groups the user may see: all for the administration, curated ones, taught ones."""
    if sees_everything(user):
        return Q()
    names = role_names(user)
    scope = _NOTHING
    if roles.CURATOR in names:
        scope |= Q(**{f"{prefix}pk__in": _curated_group_ids(user)})
    if roles.TEACHER in names:
        scope |= Q(**{f"{prefix}pk__in": _taught_group_ids(user)})
    return scope


def program_scope(user: Actor, prefix: str = "") -> Q:
    if sees_everything(user):
        return Q()
    group = apps.get_model("programs", "Group")
    visible_groups = group.objects.filter(group_scope(user)).values("program_id")
    scope = Q(**{f"{prefix}pk__in": visible_groups})
    if has_role(user, roles.CURATOR):
        scope |= Q(**{f"{prefix}curators": user})
    return scope


def enrollment_scope(user: Actor, prefix: str = "") -> Q:
    if sees_everything(user):
        return Q()
    scope = _NOTHING
    if is_staff_member(user):
        scope |= group_scope(user, prefix=f"{prefix}group__")
    if is_learner(user):
        scope |= Q(**{f"{prefix}learner__user": user})
    return scope


def learner_scope(user: Actor, prefix: str = "") -> Q:
    """Learners the user may see: staff see those enrolled in their groups, a learner themself."""
    if sees_everything(user):
        return Q()
    scope = _NOTHING
    if is_staff_member(user):
        enrollment = apps.get_model("programs", "Enrollment")
        in_my_groups = enrollment.objects.filter(group_scope(user, prefix="group__"))
        scope |= Q(**{f"{prefix}pk__in": in_my_groups.values("learner_id")})
    if is_learner(user):
        scope |= Q(**{f"{prefix}user": user})
    return scope


def is_administration(user: Actor) -> bool:
    """The organisation's administration (director, deputy): the last word on corrections."""
    return user.is_authenticated and (user.is_superuser or has_role(user, roles.ADMINISTRATION))


def manages_group(user: Actor, group_id: int) -> bool:
    """Runs a group's affairs (its final attestation): the registry and the group's curators."""
    if sees_everything(user):
        return True
    return has_role(user, roles.CURATOR) and _curated_group_ids(user).filter(pk=group_id).exists()


def managed_group_scope(user: Actor, prefix: str = "") -> Q:
    """The groups whose affairs the user runs (`manages_group`), as a filter."""
    if sees_everything(user):
        return Q()
    if has_role(user, roles.CURATOR):
        return Q(**{f"{prefix}pk__in": _curated_group_ids(user)})
    return _NOTHING


def managed_enrollment_scope(user: Actor, prefix: str = "") -> Q:
    """Enrolments the user sees in groups they run: where their word goes on a learner's record."""
    return enrollment_scope(user, prefix=prefix) & managed_group_scope(user, prefix=f"{prefix}group__")


def graded_module_ids(user: Actor, group_id: int) -> set[int] | None:
    """The modules of a group whose grades and statements the user keeps; None means all of them."""
    if not may(user, "gradebook.add_grade"):
        return set()
    if manages_group(user, group_id):
        return None
    assignment = apps.get_model("programs", "TeachingAssignment")
    if has_role(user, roles.TEACHER):
        return set(
            assignment.objects.filter(group_id=group_id, teacher=user).values_list("module_id", flat=True)
        )
    return set()


def may_grade(user: Actor, group_id: int, module_id: int) -> bool:
    """Enter current grades in a group's module: its teachers, the group's curators, registry staff."""
    graded = graded_module_ids(user, group_id)
    return graded is None or module_id in graded


def may_grade_expression(user: Actor) -> Expression:
    """`may_grade` as an expression over an assessment (its group_id and module_id), for a query
    that reads the column and whether the user may grade it at once."""
    if not may(user, "gradebook.add_grade"):
        return Value(False)
    if sees_everything(user):
        return Value(True)
    names = role_names(user)
    scope = Q(pk__in=[])
    if roles.CURATOR in names:
        scope |= Q(group_id__in=_curated_group_ids(user))
    if roles.TEACHER in names:
        assignment = apps.get_model("programs", "TeachingAssignment")
        scope |= Q(
            Exists(
                assignment.objects.filter(
                    group_id=OuterRef("group_id"), module_id=OuterRef("module_id"), teacher=user
                )
            )
        )
    if roles.CURATOR not in names and roles.TEACHER not in names:
        return Value(False)
    return ExpressionWrapper(scope, output_field=BooleanField())


# --- A recipient organisation's representative (152-ФЗ art. 9: only what a consent covers) ---


def is_employer(user: Actor) -> bool:
    return has_role(user, roles.EMPLOYER)


def require_own_work(user: Actor) -> None:
    """Pages of a person's own background jobs: staff and learners; an organisation's
    representative sees nothing of the site but their own two pages."""
    if not (is_staff_member(user) or is_learner(user)):
        raise PermissionDenied("Недостаточно прав для этого действия.")


def employer_consents(user: Actor):  # noqa: ANN201 - a Consent queryset
    """Consents in force today by which the user's organisation may see learners' data."""
    from django.utils import timezone

    if not is_employer(user):
        return apps.get_model("privacy", "Consent").objects.none()
    consent = apps.get_model("privacy", "Consent")
    return consent.objects.in_force(timezone.localdate()).filter(recipient__accounts__user=user)


def employer_learner_scope(user: Actor, prefix: str = "") -> Q:
    """Learners a representative may see: those whose consent in force lets their organisation
    receive at least their identity (a name is needed to know whose record it is); nobody else."""
    ids = [consent.learner_id for consent in employer_consents(user) if consent.covers(["identity"])]
    return Q(**{f"{prefix}pk__in": ids}) if ids else _NOTHING


def _learner_ids_in(user: Actor, group_ids, cache: str) -> frozenset[int]:  # noqa: ANN001 - a subquery
    """Learners enrolled in the given groups, once per request (the user object lives one)."""
    cached = getattr(user, cache, None)
    if cached is None:
        enrollment = apps.get_model("programs", "Enrollment")
        cached = frozenset(
            enrollment.objects.filter(group_id__in=group_ids).values_list("learner_id", flat=True)
        )
        setattr(user, cache, cached)
    return cached


def visible_personal_fields(user: Actor, learner) -> frozenset[str]:  # noqa: ANN001 - a people.Learner
    """The personal fields of `learner` (one the user may see) that the user sees: the union of
    what each of their roles grants for this learner (`personal_fields.BY_ROLE`)."""
    if sees_everything(user):
        return personal_fields.ALL
    names = role_names(user)
    fields: set[str] = set()
    if roles.LEARNER in names and learner.user_id is not None and learner.user_id == user.pk:
        fields |= personal_fields.BY_ROLE[roles.LEARNER]
    if roles.CURATOR in names and learner.pk in _learner_ids_in(
        user, _curated_group_ids(user), "_zachetka_curated_learners"
    ):
        fields |= personal_fields.BY_ROLE[roles.CURATOR]
    if roles.TEACHER in names and learner.pk in _learner_ids_in(
        user, _taught_group_ids(user), "_zachetka_taught_learners"
    ):
        fields |= personal_fields.BY_ROLE[roles.TEACHER]
    return frozenset(fields)


def sees_field(user: Actor, field: str, learner) -> bool:  # noqa: ANN001 - a people.Learner
    return field in visible_personal_fields(user, learner)


def personal_fields_everywhere(user: Actor) -> frozenset[str]:
    """The personal fields the user sees of every learner in their scope: what a list of
    learners may have a column for and a search may match on."""
    if sees_everything(user):
        return personal_fields.ALL
    granted = [personal_fields.BY_ROLE[name] for name in role_names(user) if name in personal_fields.BY_ROLE]
    return frozenset.intersection(*granted) if granted else frozenset()
