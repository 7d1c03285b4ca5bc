"""access.may and Django's permission checks (through core.backends.RoleBackend) answer from
the roles' permission table, exactly as the groups' permissions stored in the database would."""

from django.contrib.auth import get_user
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.models import User
from django.template import engines
from django.test import RequestFactory

from zachetka.core import access, roles


def test_every_role_may_exactly_what_its_group_is_granted(make_user):
    every_permission = {permission for granted in roles.PERMISSIONS.values() for permission in granted}
    stored = ModelBackend()  # reads the permissions granted to the groups in the database
    for role in roles.ALL_ROLES:
        user = make_user(f"u-{roles.ALL_ROLES.index(role)}", role=role)
        fresh = User.objects.get(pk=user.pk)  # no permission cache from make_user
        for permission in sorted(every_permission):
            expected = stored.has_perm(User.objects.get(pk=user.pk), permission)
            assert access.may(fresh, permission) == expected, (role, permission)
            assert fresh.has_perm(permission) == expected, (role, permission)


def test_the_signed_in_user_comes_with_roles_and_permissions_in_one_query(
    client, make_user, django_assert_num_queries
):
    teacher = make_user("t-queries", role=roles.TEACHER)
    client.force_login(teacher)
    request = RequestFactory().get("/")
    request.session = client.session
    template = engines["django"].from_string(
        "{% if perms.gradebook.add_grade %}grades{% endif %}"
        "{% if perms.core.view_auditevent %}audit{% endif %}"
    )
    with django_assert_num_queries(2):  # the session, then the user with their roles
        user = get_user(request)
        assert access.may(user, "gradebook.add_grade") and user.has_perm("gradebook.add_grade")
        assert not user.has_perm("core.view_auditevent")
        assert template.render({"perms": PermWrapper(user)}) == "grades"


def test_superuser_may_everything_and_an_inactive_user_nothing(make_user):
    admin = User.objects.create_superuser("root", password="x")
    assert access.may(admin, "gradebook.add_grade") and access.may(admin, "core.view_auditevent")
    teacher = make_user("t-inactive", role=roles.TEACHER)
    assert access.may(teacher, "gradebook.add_grade")
    teacher.is_active = False
    assert not access.may(teacher, "gradebook.add_grade")
    assert not access.may(make_user("nobody"), "gradebook.add_grade")
