"""What the home page shows each role: counts and the groups they work with."""

from django.contrib.auth.models import User
from django.db.models import Count, Q

from zachetka.core import access
from zachetka.people.models import Learner
from zachetka.programs.models import Enrollment, Group, Program


def dashboard(user: User) -> dict:
    groups = (
        Group.objects.visible_to(user)
        .select_related("program", "curator")
        .annotate(studying=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.STUDYING)))
        .order_by("-starts_on", "code")[:12]
    )
    figures = {}
    if access.is_staff_member(user):
        figures = {
            "learners": Learner.objects.visible_to(user).count(),
            "programs": Program.objects.visible_to(user).count(),
            "groups": Group.objects.visible_to(user).count(),
            "studying": Enrollment.objects.visible_to(user).filter(status=Enrollment.Status.STUDYING).count(),
        }
    return {"groups": list(groups), "figures": figures}


def own_record(user: User) -> Learner | None:
    """The learner linked to this account, with enrolments (the learner's own view)."""
    return (
        Learner.objects.visible_to(user)
        .filter(user=user)
        .prefetch_related("enrollments__group__program")
        .first()
    )
