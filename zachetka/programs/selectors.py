from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet

from zachetka.core import access, collation, names, roles
from zachetka.programs.models import Enrollment, Group, Program, TeachingAssignment

Actor = User | AnonymousUser


def program_list(user: Actor, *, query: str = "", kind: str = "", active: str = "") -> QuerySet[Program]:
    access.require(user, "programs.view_program")
    programs = Program.objects.visible_to(user).annotate(
        module_count=Count("modules", distinct=True), group_count=Count("groups", distinct=True)
    )
    if query:
        programs = programs.filter(title__icontains=query)
    if kind:
        programs = programs.filter(kind=kind)
    if active in ("1", "0"):
        programs = programs.filter(is_active=active == "1")
    return programs.order_by("title", "pk")


def group_list(
    user: Actor,
    *,
    query: str = "",
    program_id: int | None = None,
    year: int | None = None,
    curator_id: int | None = None,
    current: str = "",
) -> QuerySet[Group]:
    access.require(user, "programs.view_group")
    groups = (
        Group.objects.visible_to(user)
        .select_related("program", "curator")
        .annotate(
            studying=Count(
                "enrollments", filter=Q(enrollments__status=Enrollment.Status.STUDYING), distinct=True
            ),
            total=Count("enrollments", distinct=True),
        )
    )
    if query:
        groups = groups.filter(code__icontains=query)
    if program_id:
        groups = groups.filter(program_id=program_id)
    if year:
        groups = groups.filter(starts_on__year__lte=year, ends_on__year__gte=year)
    if curator_id:
        groups = groups.filter(curator_id=curator_id)
    return groups.order_by("-starts_on", "code")


def enrollment_list(
    user: Actor,
    *,
    query: str = "",
    group_id: int | None = None,
    program_id: int | None = None,
    status: str = "",
    funding: str = "",
) -> QuerySet[Enrollment]:
    access.require(user, "programs.view_enrollment")
    enrollments = Enrollment.objects.visible_to(user).select_related("learner", "group__program")
    if query:
        for word in names.search_key(query).split():
            enrollments = enrollments.filter(learner__search_key__contains=word)
    if group_id:
        enrollments = enrollments.filter(group_id=group_id)
    if program_id:
        enrollments = enrollments.filter(group__program_id=program_id)
    if status:
        enrollments = enrollments.filter(status=status)
    if funding:
        enrollments = enrollments.filter(funding=funding)
    return enrollments.order_by(
        "-group__starts_on", "group__code", "learner__last_name", "learner__first_name"
    )


def assignments_of(group: Group) -> QuerySet[TeachingAssignment]:
    return group.teaching_assignments.select_related("module", "teacher").order_by(
        "module__order", *collation.collated("teacher__last_name", "teacher__first_name")
    )


def staff_with_role(role: str) -> QuerySet[User]:
    return User.objects.filter(groups__name=role, is_active=True).order_by(
        *collation.collated("last_name", "first_name"), "pk"
    )


def teachers() -> QuerySet[User]:
    return staff_with_role(roles.TEACHER)


def curators() -> QuerySet[User]:
    return staff_with_role(roles.CURATOR)


def chosen_program_and_group(
    user: User | AnonymousUser, program_id: int | None, group_id: int | None
) -> tuple[Program | None, Group | None]:
    """The program and group a list is filtered by, as the user may see them (None when not
    chosen or not visible): what an export's title row names."""
    program = Program.objects.visible_to(user).filter(pk=program_id).first() if program_id else None
    group = Group.objects.visible_to(user).filter(pk=group_id).first() if group_id else None
    return program, group
