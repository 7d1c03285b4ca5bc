"""Reads for the Moodle import: the gradebook's columns, the group's learners and their cells."""

from zachetka.core import access
from zachetka.gradebook import selectors as gradebook
from zachetka.gradebook.models import Actor, Assessment, Grade
from zachetka.gradebook.services import GRADABLE_STATUSES
from zachetka.lms import moodle
from zachetka.programs.models import Enrollment, Group, Module


def group_module(user: Actor, group_pk: int, module_pk: int) -> tuple[Group, Module]:
    """The group (if the user sees it) and one of its program's modules; DoesNotExist otherwise."""
    return gradebook.module_for_group(user, group_pk, module_pk)


def may_import(user: Actor, group: Group, module: Module) -> bool:
    """Importing writes current grades: whoever may grade the group's module may import into it."""
    return access.may(user, "gradebook.add_grade") and access.may_grade(user, group.pk, module.pk)


def assessments(user: Actor, group: Group, module: Module) -> list[Assessment]:
    """The module's columns, read with their scale and what saving a cell checks."""
    return list(
        Assessment.objects.visible_to(user)
        .filter(group=group, module=module)
        .select_related("scale")
        .with_scale_values()
        .with_cell_rules(user)
        .order_by("held_on", "pk")
    )


def enrollments(group: Group) -> list[Enrollment]:
    """Every enrolment of the group with its learner (an expelled learner's row is matched too,
    to say why their grades are not taken)."""
    return list(
        Enrollment.objects.filter(group=group)
        .select_related("learner")
        .order_by("learner__last_name", "learner__first_name", "learner__middle_name", "pk")
    )


def cells(assessment_ids: list[int]) -> dict[tuple[int, int], tuple[str, int]]:
    """What the columns hold now: (assessment id, enrolment id) → (value, version)."""
    rows = Grade.objects.filter(assessment_id__in=assessment_ids).values_list(
        "assessment_id", "enrollment_id", "value", "version"
    )
    return {(assessment, enrollment): (value, version) for assessment, enrollment, value, version in rows}


def plan(
    group: Group,
    gradebook_file: moodle.GradebookFile,
    mapping: dict[str, int | None],
    assessments: list[Assessment],
) -> moodle.Plan:
    """The file planned against the group's gradebook as it is now: its rows matched to the
    group's learners, each mapped grade a new, same or changed cell with the version read."""
    return moodle.plan_import(
        gradebook_file,
        mapping,
        assessments,
        enrollments(group),
        cells([assessment.pk for assessment in assessments]),
        gradable_statuses=GRADABLE_STATUSES,
    )
