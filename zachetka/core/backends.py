"""Authentication backend: the signed-in user is read with their roles in one query, and
Django's permission checks (`user.has_perm`, `{{ perms }}` in templates) answer from the roles'
code table (core.roles.PERMISSIONS) like core.access.may does.

Every request of a signed-in person loads the user from the session and almost every one then
asks for their roles; reading both together saves a query on every page and on every cell saved
in the gradebook, and the permission checks save the two queries ModelBackend spends on user and
group permissions (no user is granted a permission of their own: roles only)."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, User
from django.db import models

from zachetka.core import access
from zachetka.core.jsonagg import JSONList


class RoleBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        names = (
            Group.objects.filter(user=models.OuterRef("pk"))
            .order_by()
            .values("user")
            .annotate(names=JSONList("name"))
            .values("names")
        )
        user = (
            User._default_manager.annotate(
                role_name_list=models.Subquery(names, output_field=models.JSONField())
            )
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        access.remember_roles(user, user.role_name_list or ())
        return user

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if obj is not None:
            return set()
        return set(access.role_permissions(user_obj))
