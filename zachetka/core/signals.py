"""Receivers that feed the audit trail from Django's own events, and role set-up after migrate.

Failed log-ins are not audited: anyone can cause them, as many as they like, and the audit
trail is permanent. django-axes keeps them in its bounded failure log (core.login_lockout)."""

from typing import Any

from django.contrib.auth import user_logged_in, user_logged_out
from django.contrib.auth.models import Group, Permission
from django.http import HttpRequest

from zachetka.core import audit, roles


def _on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit.record(by=user, action=audit.Action.LOGIN, subject=user)


def _on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(by=user, action=audit.Action.LOGOUT, subject=user)


def connect_login_audit() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="zachetka.audit_login")
    user_logged_out.connect(_on_logout, dispatch_uid="zachetka.audit_logout")


def sync_roles(**kwargs: Any) -> None:
    """Create the five role groups and give each exactly its permissions (idempotent)."""
    wanted = {perm for perms in roles.PERMISSIONS.values() for perm in perms}
    by_label = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in={label.split(".", 1)[1] for label in wanted}
        )
    }
    for role in roles.ALL_ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([by_label[label] for label in roles.PERMISSIONS[role] if label in by_label])
