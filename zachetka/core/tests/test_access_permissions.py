"""access.may answers from the roles' permission table, as Django's permissions would."""

from django.contrib.auth.models import User

from zachetka.core import access, roles


def test_every_role_may_exactly_what_its_group_is_granted(make_user):
    every_permission = {permission for granted in roles.PERMISSIONS.values() for permission in granted}
    for role in roles.ALL_ROLES:
        user = make_user(f"u-{roles.ALL_ROLES.index(role)}", role=role)
        fresh = User.objects.get(pk=user.pk)  # no permission cache from make_user
        for permission in sorted(every_permission):
            assert access.may(fresh, permission) == fresh.has_perm(permission), (role, permission)


def test_superuser_may_everything_and_an_inactive_user_nothing(make_user):
    admin = User.objects.create_superuser("root", password="x")
    assert access.may(admin, "gradebook.add_grade") and access.may(admin, "core.view_auditevent")
    teacher = make_user("t-inactive", role=roles.TEACHER)
    assert access.may(teacher, "gradebook.add_grade")
    teacher.is_active = False
    assert not access.may(teacher, "gradebook.add_grade")
    assert not access.may(make_user("nobody"), "gradebook.add_grade")
