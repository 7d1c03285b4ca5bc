"""Which personal fields of a learner a user sees: the role table, learner by learner, and the
union of several roles (access.visible_personal_fields)."""

from django.contrib.auth.models import Group as RoleGroup

from zachetka.core import access, personal_fields, roles
from zachetka.programs.models import TeachingAssignment

NAME = frozenset(personal_fields.NAME)
CONTACTS = frozenset(personal_fields.CONTACTS)


def _fresh(user):  # noqa: ANN001, ANN202 - what a new request sees (roles and groups are cached per user object)
    return type(user).objects.get(pk=user.pk)


def test_each_role_sees_its_fields_of_a_learner_of_its_group(world, director, registrar, curator, teacher):
    classmate = world["classmate"]
    assert access.visible_personal_fields(director, classmate) == personal_fields.ALL
    assert access.visible_personal_fields(registrar, classmate) == personal_fields.ALL
    assert access.visible_personal_fields(curator, classmate) == NAME | CONTACTS
    assert access.visible_personal_fields(teacher, classmate) == NAME
    assert not access.sees_field(teacher, "snils", classmate)
    assert not access.sees_field(curator, "birth_date", classmate)
    assert access.sees_field(curator, "phone", classmate)


def test_a_learner_sees_all_of_their_own_and_nothing_of_a_classmate(world, learner_user):
    assert access.visible_personal_fields(learner_user, world["own"]) == personal_fields.ALL
    assert access.visible_personal_fields(learner_user, world["classmate"]) == frozenset()


def test_several_roles_give_the_union_learner_by_learner(
    world, curator, make_group, make_learner, make_enrollment
):
    """A curator of `mine` who also teaches another group: contacts of their own group's
    learners, names only of the taught group's; a list of both may show only names."""
    taught = make_group()
    TeachingAssignment.objects.create(group=taught, module=taught.program.modules.first(), teacher=curator)
    curator.groups.add(RoleGroup.objects.get(name=roles.TEACHER))
    pupil = make_enrollment(make_learner(last_name="Учеников"), taught).learner
    user = _fresh(curator)
    assert access.visible_personal_fields(user, world["classmate"]) == NAME | CONTACTS
    assert access.visible_personal_fields(user, pupil) == NAME
    assert access.personal_fields_everywhere(user) == NAME


def test_fields_seen_everywhere_decide_a_list_s_columns(director, curator, teacher, learner_user):
    assert access.personal_fields_everywhere(director) == personal_fields.ALL
    assert access.personal_fields_everywhere(curator) == NAME | CONTACTS
    assert access.personal_fields_everywhere(teacher) == NAME
    assert access.personal_fields_everywhere(learner_user) == personal_fields.ALL
