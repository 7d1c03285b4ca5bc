import datetime as dt

import pytest

from zachetka.gradebook import services
from zachetka.gradebook.models import GradingScale
from zachetka.programs.models import TeachingAssignment


@pytest.fixture
def scale(db):
    return lambda kind=GradingScale.Kind.FIVE_POINT: GradingScale.objects.get(kind=kind)


@pytest.fixture
def journal(world, teacher, scale):
    """The teacher's group and module with one five-point assessment held on 10.11.2026."""
    group = world["mine"]
    module = TeachingAssignment.objects.get(group=group, teacher=teacher).module
    assessment = services.create_assessment(
        by=teacher,
        group=group,
        module=module,
        held_on=dt.date(2026, 11, 10),
        title="Практическая работа 1",
        scale=scale(),
    )
    return {
        "group": group,
        "module": module,
        "assessment": assessment,
        "own": world["enrollments"]["own"],
        "classmate": world["enrollments"]["classmate"],
    }
