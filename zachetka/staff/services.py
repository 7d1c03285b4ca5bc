"""Writes of staff accounts: create, edit, deactivate and reactivate (never delete), teaching
assignments and curatorship. One transaction each, audited.

A new account has no password anyone knows: the person sets it through a one-time link (the
cabinet's mechanism, Django's password-reset tokens)."""

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import Group as Role
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from zachetka.cabinet.services import set_password_link
from zachetka.core import access, audit, names, roles
from zachetka.organization import selectors as organization
from zachetka.programs import services as program_services
from zachetka.programs.models import Group, Module, TeachingAssignment
from zachetka.staff import selectors as staff_selectors
from zachetka.staff.models import StaffProfile

logger = logging.getLogger(__name__)

VIEW = "staff.view_staffprofile"
ADD = "staff.add_staffprofile"
CHANGE = "staff.change_staffprofile"

# Logins are Latin: «Кузнецова О. В.» → kuznetsova.ov («ъ», «ь» are dropped).
_TRANSLIT = {
    **dict(zip("абвгдеёзийклмнопрстуфыэ", "abvgdeeziyklmnoprstufye", strict=True)),
    **{"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "yu", "я": "ya"},
}


def _translit(text: str) -> str:
    return "".join(
        _TRANSLIT.get(letter, letter if letter.isascii() and letter.isalnum() else "")
        for letter in text.lower()
    )


@dataclass(frozen=True)
class NewStaff:
    user: User
    link: str


def _clean_roles(chosen: list[str]) -> list[str]:
    unknown = set(chosen) - set(roles.STAFF_ROLES)
    if unknown:
        raise ValidationError({"role_names": f"Нет такой роли сотрудника: {', '.join(sorted(unknown))}."})
    if not chosen:
        raise ValidationError({"role_names": "Выберите хотя бы одну роль."})
    return sorted(set(chosen), key=roles.STAFF_ROLES.index)


def _clean_email(email: str, user: User | None = None) -> str:
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": "E-mail: введите правильный адрес электронной почты."}) from error
    taken = User.objects.filter(email__iexact=email, is_active=True)
    if user is not None:
        taken = taken.exclude(pk=user.pk)
    if taken.exists():
        raise ValidationError({"email": f"E-mail: адрес {email} уже у другой действующей учётной записи."})
    return email


def _clean_names(last_name: str, first_name: str, middle_name: str) -> tuple[str, str, str]:
    cleaned = tuple(names.clean_name_part(part) for part in (last_name, first_name, middle_name))
    errors = {}
    for field, label, value in zip(
        ("last_name", "first_name", "middle_name"), ("Фамилия", "Имя", "Отчество"), cleaned, strict=True
    ):
        if not value:
            if field != "middle_name":
                errors[field] = f"{label}: обязательное поле."
            continue
        problem = names.name_part_error(value)
        if problem:
            errors[field] = f"{label}: {problem}."
    if errors:
        raise ValidationError(errors)
    return cleaned  # type: ignore[return-value]


def _generated_username(last_name: str, first_name: str, middle_name: str) -> str:
    base = (
        _translit(last_name)
        + "."
        + "".join(_translit(part)[:1] for part in (first_name, middle_name) if part)
    )
    base = base.strip(".")[:140] or "staff"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _clean_username(username: str) -> str:
    username = username.strip()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as error:
        raise ValidationError(
            {"username": "Логин: только буквы, цифры и знаки @ . + - _ без пробелов."}
        ) from error
    if len(username) > 150:
        raise ValidationError({"username": "Логин: не длиннее 150 символов."})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"Логин «{username}» уже занят."})
    return username


def _roles_of(user: User) -> list[str]:
    held = set(user.groups.values_list("name", flat=True))
    return [role for role in roles.ALL_ROLES if role in held]


def _lock_administration() -> Role:
    """Serialise every change that could leave the organisation without an active administration
    account: each takes this row lock first, then counts afresh."""
    return Role.objects.select_for_update().get(name=roles.ADMINISTRATION)


def _other_active_admins(user: User) -> int:
    return (
        User.objects.filter(is_active=True, groups__name=roles.ADMINISTRATION)
        .exclude(pk=user.pk)
        .distinct()
        .count()
    )


def _refuse_superuser_target(by: User, user: User) -> None:
    """A superuser's account is changed by superusers only (in Django admin)."""
    if user.is_superuser and not by.is_superuser:
        raise PermissionDenied("Учётную запись суперпользователя меняет только суперпользователь.")


def _refuse_losing_last_admin(user: User) -> None:
    _lock_administration()
    if not _other_active_admins(user):
        raise ValidationError(
            f"{names.user_full_name(user)} — последняя действующая учётная запись администрации: "
            "сначала дайте роль «Администрация» другому сотруднику."
        )


def _profile(user: User) -> StaffProfile:
    profile, _ = StaffProfile.objects.select_for_update().get_or_create(user=user)
    return profile


def _snapshot(user: User, profile: StaffProfile) -> dict:
    return {
        "username": user.username,
        "name": names.user_full_name(user),
        "email": user.email,
        "post": profile.post,
        "roles": _roles_of(user),
        "is_active": user.is_active,
    }


@transaction.atomic
def create_staff_member(
    *,
    by: User,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    post: str = "",
    email: str,
    role_names: list[str],
    username: str = "",
) -> NewStaff:
    """Open a staff account with its roles; no password: the person gets a link to set one."""
    access.require(by, ADD)
    user = _open_account(
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        email=email,
        username=username,
        role_check=lambda: _clean_roles(role_names),
    )
    profile = StaffProfile.objects.create(user=user, post=" ".join(post.split()))
    audit.record(by=by, action=audit.Action.STAFF_CREATED, subject=user, after=_snapshot(user, profile))
    return NewStaff(user=user, link=set_password_link(user))


def open_user_account(
    *, last_name: str, first_name: str, middle_name: str = "", email: str, username: str = "", role: str
) -> User:
    """A new account with one role and no password, for a person outside the staff too (a
    recipient organisation's representative): the same checks of names, e-mail and login as a
    staff account, every refusal naming its field. The caller audits and sends the link."""
    return _open_account(
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        email=email,
        username=username,
        role_check=lambda: [role],
    )


def _open_account(
    *,
    last_name: str,
    first_name: str,
    middle_name: str,
    email: str,
    username: str,
    role_check: Callable[[], list[str]],
) -> User:
    """Every check first, each refusal under its field, then the account with its roles."""
    errors: dict[str, list[str]] = {}
    for check in (
        lambda: _clean_names(last_name, first_name, middle_name),
        lambda: _clean_email(email),
        role_check,
        lambda: _clean_username(username) if username.strip() else None,
    ):
        try:
            check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    last, first, middle = _clean_names(last_name, first_name, middle_name)
    login = _clean_username(username) if username.strip() else _generated_username(last, first, middle)
    user = User.objects.create(
        username=login, email=_clean_email(email), first_name=f"{first} {middle}".strip(), last_name=last
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user.groups.set(Role.objects.filter(name__in=role_check()))
    return user


def password_link(user: User) -> str:
    """A one-time link for the person to set (or reset) their password."""
    return set_password_link(user)


def send_invitation(user: User, link: str) -> bool:
    """E-mail the link to set a password; False (and a log line) if the mail server refused."""
    context = {
        "name": user.first_name or names.user_full_name(user),
        "username": user.username,
        "link": link,
        "organization": organization.current().full_name,
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    try:
        send_mail(
            subject=f"{context['organization']}: учётная запись в «Зачётке»",
            message=render_to_string("staff/invitation_email.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    except (OSError, smtplib.SMTPException):
        logger.exception("Staff invitation to %s not sent", user.email)
        return False
    return True


@transaction.atomic
def update_staff_member(*, by: User, user: User, post: str, email: str, role_names: list[str]) -> User:
    """Change a staff member's post, e-mail and roles; role changes keep old and new roles."""
    access.require(by, CHANGE)
    _refuse_superuser_target(by, user)
    if roles.ADMINISTRATION in _roles_of(user):
        _lock_administration()
    user = User.objects.select_for_update().get(pk=user.pk)
    profile = _profile(user)
    before = _snapshot(user, profile)
    chosen = _clean_roles(role_names)
    email = _clean_email(email, user)
    if roles.ADMINISTRATION in before["roles"] and roles.ADMINISTRATION not in chosen:
        if user.pk == by.pk:
            raise ValidationError({"role_names": "Нельзя снять роль «Администрация» с самого себя."})
        if user.is_active:
            _refuse_losing_last_admin(user)
    user.email = email
    user.save(update_fields=["email"])
    kept_other = [name for name in before["roles"] if name not in roles.STAFF_ROLES]
    user.groups.set(Role.objects.filter(name__in=[*chosen, *kept_other]))
    profile.post = " ".join(post.split())
    profile.save(update_fields=["post"])
    old, new = audit.changed(before, _snapshot(user, profile))
    if new:
        audit.record(by=by, action=audit.Action.STAFF_UPDATED, subject=user, before=old, after=new)
    return user


@transaction.atomic
def deactivate_staff_member(*, by: User, user: User, reason: str) -> User:
    """Close a staff member's access (they can no longer log in); the account and its history stay."""
    access.require(by, CHANGE)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Укажите причину деактивации (например, приказ об увольнении)."})
    if user.pk == by.pk:
        raise ValidationError("Нельзя деактивировать собственную учётную запись.")
    _refuse_superuser_target(by, user)
    is_admin = roles.ADMINISTRATION in _roles_of(user)
    if is_admin:
        _lock_administration()  # before the user's row: every such change locks in this order
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError(f"{names.user_full_name(user)}: учётная запись уже деактивирована.")
    if is_admin:
        _refuse_losing_last_admin(user)
    profile = _profile(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    profile.deactivated_at = timezone.now()
    profile.deactivation_reason = reason[:255]
    profile.save(update_fields=["deactivated_at", "deactivation_reason"])
    audit.record(
        by=by,
        action=audit.Action.STAFF_DEACTIVATED,
        subject=user,
        before={"is_active": True},
        after={"is_active": False},
        reason=reason,
    )
    return user


@transaction.atomic
def reactivate_staff_member(*, by: User, user: User) -> User:
    """Give a deactivated staff member their access back (the same login and history)."""
    access.require(by, CHANGE)
    _refuse_superuser_target(by, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise ValidationError(f"{names.user_full_name(user)}: учётная запись и так действует.")
    if user.email:
        _clean_email(user.email, user)
    profile = _profile(user)
    user.is_active = True
    user.save(update_fields=["is_active"])
    profile.deactivated_at = None
    profile.deactivation_reason = ""
    profile.save(update_fields=["deactivated_at", "deactivation_reason"])
    audit.record(
        by=by,
        action=audit.Action.STAFF_REACTIVATED,
        subject=user,
        before={"is_active": False},
        after={"is_active": True},
    )
    return user


def _require_active_with(user: User, role: str, field: str) -> None:
    if not user.is_active:
        raise ValidationError({field: f"{names.user_full_name(user)}: учётная запись деактивирована."})
    if not access.has_role(user, role):
        raise ValidationError({field: f"{names.user_full_name(user)}: нет роли «{role}»."})


def assign_teaching(*, by: User, user: User, group: Group, module: Module) -> TeachingAssignment:
    """Let an active teacher teach a module of a group (programs.services.assign_teacher)."""
    access.require(by, CHANGE)
    _require_active_with(user, roles.TEACHER, "module")
    return program_services.assign_teacher(by=by, group=group, module=module, teacher=user)


def unassign_teaching(*, by: User, assignment: TeachingAssignment) -> None:
    access.require(by, CHANGE)
    program_services.unassign_teacher(by=by, assignment=assignment)


def make_curator(*, by: User, user: User, group: Group) -> Group:
    """Make an active curator the curator of a group (replacing the previous one)."""
    access.require(by, CHANGE)
    _require_active_with(user, roles.CURATOR, "group")
    if group.curator_id == user.pk:
        raise ValidationError({"group": f"{names.user_full_name(user)} уже куратор группы {group.code}."})
    return program_services.update_group(by=by, group=group, expected_version=group.version, curator=user)


def remove_curator(*, by: User, group: Group) -> Group:
    access.require(by, CHANGE)
    if group.curator_id is None:
        raise ValidationError(f"У группы {group.code} нет куратора.")
    return program_services.update_group(by=by, group=group, expected_version=group.version, curator=None)


# --- Log-in lock-outs ---

LIFT_LOCKOUT = "axes.delete_accessattempt"


@transaction.atomic
def lift_lockout(*, by: User, username: str, ip_address: str, reason: str) -> int:
    """Lift a lock-out in force before its cool-off ends: a login at an address, or (no
    username) an address for every login. axes' own reset deletes the failures it counted;
    the failure log stays. Returns how many attempt rows were removed."""
    access.require(by, LIFT_LOCKOUT)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Основание: укажите, почему блокировка снимается досрочно."})
    lock = staff_selectors.lockout(username=username, ip_address=ip_address)
    if lock is None:
        raise ValidationError("Этой блокировки уже нет: её сняли или истёк срок.")
    # axes.utils.reset: with a username only that login's failures at the address; without one,
    # every failure from the address (its pair lock-outs go too).
    removed = axes_reset(ip=ip_address, username=username or None)
    audit.record(
        by=by,
        action=audit.Action.LOCKOUT_LIFTED,
        subject=User.objects.filter(username=username).first() if username else None,
        reason=reason[:255],
        extra={
            "username": username,
            "ip_address": ip_address,
            "failures": lock.failures,
            "scope": "login_at_address" if username else "address",
        },
    )
    return removed
