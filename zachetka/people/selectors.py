from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet

from zachetka.core import access
from zachetka.people.models import Learner


def learner_list(
    user: User | AnonymousUser,
    *,
    query: str = "",
    group_id: int | None = None,
    program_id: int | None = None,
    status: str = "",
    sex: str = "",
) -> QuerySet[Learner]:
    access.require(user, "people.view_learner")
    learners = Learner.objects.visible_to(user)
    if query:
        learners = learners.search(query, by_snils="snils" in access.personal_fields_everywhere(user))
    enrollment_filter = Q()
    if group_id:
        enrollment_filter &= Q(enrollments__group_id=group_id)
    if program_id:
        enrollment_filter &= Q(enrollments__group__program_id=program_id)
    if status:
        enrollment_filter &= Q(enrollments__status=status)
    # Filters and counts look only at enrolments the user may see: a learner of one's own group
    # is not found by, or counted in, another curator's group (one condition, so one enrolment).
    visible_enrollment = access.enrollment_scope(user, prefix="enrollments__")
    if enrollment_filter:
        learners = learners.filter(
            pk__in=Learner.objects.filter(visible_enrollment, enrollment_filter).values("pk")
        )
    if sex:
        learners = learners.filter(sex=sex)
    return learners.annotate(enrollment_count=Count("enrollments", filter=visible_enrollment)).order_by(
        "last_name", "first_name", "middle_name", "pk"
    )


def learner_for(user: User | AnonymousUser, pk: int) -> Learner:
    """The learner with this id if the user may see them; Learner.DoesNotExist otherwise."""
    return Learner.objects.visible_to(user).get(pk=pk)
