"""Reads of the gradebook, scoped by the acting user, in a constant number of queries."""

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import Count, Exists, JSONField, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone

from zachetka.core import access, audit, charts, collation, names, roles
from zachetka.gradebook.models import (
    ABSENT_MARK,
    Assessment,
    Grade,
    GradebookLock,
    GradeChange,
    GradingScale,
    JSONList,
    ScaleValue,
)
from zachetka.gradebook.services import GRADABLE_STATUSES
from zachetka.programs.models import Enrollment, Group, Module, TeachingAssignment

Actor = User | AnonymousUser


@dataclass
class Column:
    assessment: Assessment
    values: list[ScaleValue]
    is_past_deadline: bool

    @property
    def hint(self) -> str:
        return self.assessment.scale.allowed_hint(self.values)


class Cell(NamedTuple):
    """A cell as the grid shows it: a plain row from the database, no model instance."""

    value: str
    is_passing: bool
    is_absent: bool
    points: int | None
    entered_by_id: int
    version: int


@dataclass
class Row:
    enrollment: Enrollment
    cells: list[Cell | None]
    result: int | None = None
    is_gradable: bool = True

    @property
    def owes_grades(self) -> bool:
        """An empty cell past its deadline is overdue only for a learner who is studying."""
        return self.enrollment.status == Enrollment.Status.STUDYING


@dataclass
class Grid:
    group: Group
    module: Module
    columns: list[Column]
    rows: list[Row]
    authors: dict[int, str] = field(default_factory=dict)
    lock: GradebookLock | None = None
    may_edit: bool = False
    may_correct_locked: bool = False

    @property
    def is_read_only(self) -> bool:
        return not self.may_edit or (self.lock is not None and not self.may_correct_locked)


def weighted_result(weights: list[float], points: list[int | None]) -> int | None:
    """Weighted mean of the entered values on 0..100; «н/я» counts as 0, empty cells are skipped."""
    total = weight_sum = 0.0
    for weight, value in zip(weights, points, strict=True):
        if value is not None:
            total += weight * value
            weight_sum += weight
    return round(total / weight_sum) if weight_sum else None


def _points(cell: Cell | None) -> int | None:
    return cell.points if cell is not None and cell.value != "" else None


def row_result(group_id: int, module_id: int, enrollment_id: int) -> int | None:
    """One learner's weighted result in a module (after a cell is saved), in one query: a
    column without a value counts for nothing, so only the filled cells are read."""
    filled = (
        Grade.objects.filter(
            enrollment_id=enrollment_id, assessment__group_id=group_id, assessment__module_id=module_id
        )
        .exclude(value="")
        .order_by("assessment__held_on", "assessment_id")  # the grid's order: the same float sums
        .values_list("assessment__weight", "points")
    )
    weights, points = [], []
    for weight, value in filled:
        weights.append(float(weight))
        points.append(value)
    return weighted_result(weights, points)


def row_result_after_save(assessment: Assessment, enrollment: Enrollment, grade: Grade | None) -> int | None:
    """`row_result` once `grade` is in the cell: the row's other filled cells were read with the
    enrolment (`cell_to_save`), so nothing is read here; the grid's order, the same sums."""
    if getattr(enrollment, "cell_assessment_id", None) != assessment.pk:
        return row_result(assessment.group_id, assessment.module_id, enrollment.pk)
    cells = [
        (row["held_on"], row["id"], float(row["weight"]), row["points"])
        for row in enrollment.row_other_cells or []
    ]
    if grade is not None and grade.value != "":
        cells.append((assessment.held_on.isoformat(), assessment.pk, float(assessment.weight), grade.points))
    cells.sort()
    return weighted_result([weight for _, _, weight, _ in cells], [points for _, _, _, points in cells])


class CellToSave(NamedTuple):
    assessment: Assessment
    enrollment: Enrollment
    audit_head: audit.HeadSnapshot | None


def cell_to_save(user: Actor, assessment_pk: int, enrollment_pk: int) -> CellToSave:
    """Everything saving one cell checks, read in ONE query: the column with its scale, its
    values and the rules for `user` (scope, lock), the enrolment (in the column's group), what
    the cell holds now, the row's other filled cells (for the row's result) and the audit
    chain's head with the learner's key (services.record_grade and core.audit read nothing
    more). Assessment.DoesNotExist outside the user's scope, Enrollment.DoesNotExist when the
    enrolment is not in the column's group."""
    enrolment = Enrollment.objects.filter(pk=enrollment_pk, group_id=OuterRef("group_id"))
    cell = Grade.objects.filter(assessment_id=OuterRef("pk"), enrollment_id=enrollment_pk)
    other_cells = (
        Grade.objects.filter(
            enrollment_id=enrollment_pk,
            assessment__group_id=OuterRef("group_id"),
            assessment__module_id=OuterRef("module_id"),
        )
        .exclude(assessment_id=OuterRef("pk"))
        .exclude(value="")
        .order_by()
        .values("enrollment_id")
        .annotate(
            cells=JSONList(
                JSONObject(
                    held_on="assessment__held_on",
                    id="assessment_id",
                    weight="assessment__weight",
                    points="points",
                )
            )
        )
        .values("cells")
    )
    column = (
        Assessment.objects.visible_to(user)
        .with_cell_rules(user)
        .with_scale_values()
        .select_related("scale")
        .annotate(
            enrolment_row=Subquery(
                enrolment.values(row=JSONObject(learner_id="learner_id", status="status"))[:1],
                output_field=JSONField(),
            ),
            cell_row=Subquery(
                cell.values(row=JSONObject(id="pk", value="value", version="version", is_late="is_late"))[:1],
                output_field=JSONField(),
            ),
            row_other_cells=Subquery(other_cells, output_field=JSONField()),
            **audit.head_snapshot_annotations(
                Subquery(Enrollment.objects.filter(pk=enrollment_pk).values("learner_id")[:1])
            ),
        )
        .get(pk=assessment_pk)
    )
    if column.enrolment_row is None:
        raise Enrollment.DoesNotExist
    learner_id = column.enrolment_row["learner_id"]
    # The other fields of the enrolment stay deferred: a save does not read them.
    enrollment = Enrollment.from_db(
        column._state.db,
        ["id", "learner_id", "group_id", "status"],
        [enrollment_pk, learner_id, column.group_id, column.enrolment_row["status"]],
    )
    enrollment.cell_assessment_id = column.pk
    row = column.cell_row
    enrollment.cell_grade_id = row["id"] if row else None
    enrollment.cell_value = row["value"] if row else ""
    enrollment.cell_version = row["version"] if row else 0
    enrollment.cell_is_late = bool(row["is_late"]) if row else False
    enrollment.row_other_cells = column.row_other_cells
    return CellToSave(column, enrollment, audit.head_snapshot(column, learner_id))


def _grade_rows(assessment_ids: list[int]) -> list[tuple]:
    """All cells of these columns as plain tuples, read with the cursor directly.

    Django's per-value converters cost more than the query itself at 60,000 rows; the columns
    read here need none (SQLite returns booleans as 0/1, which the grid only tests for truth).
    """
    if not assessment_ids:
        return []
    query = Grade.objects.filter(assessment_id__in=assessment_ids).values_list(
        "enrollment_id",
        "assessment_id",
        "value",
        "is_passing",
        "is_absent",
        "points",
        "entered_by_id",
        "version",
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def module_for_group(user: Actor, group_pk: int, module_pk: int) -> tuple[Group, Module]:
    """The group (if visible) and one of its program's modules; DoesNotExist otherwise."""
    group = Group.objects.visible_to(user).select_related("program").get(pk=group_pk)
    module = Module.objects.get(pk=module_pk, program_id=group.program_id)
    return group, module


def _columns(group: Group, module: Module) -> list[Column]:
    assessments = list(
        Assessment.objects.filter(group=group, module=module)
        .select_related("scale")
        .order_by("held_on", "pk")
    )
    scale_values: dict[int, list[ScaleValue]] = defaultdict(list)
    for value in ScaleValue.objects.filter(scale_id__in={a.scale_id for a in assessments}).order_by("order"):
        scale_values[value.scale_id].append(value)
    today = timezone.localdate()
    return [Column(a, scale_values[a.scale_id], today > a.due_on) for a in assessments]


def _enrollments(group: Group) -> list[Enrollment]:
    """The group's rows: only what a row shows (the name, the status said by the learner's sex),
    not the learner's whole record."""
    return list(
        Enrollment.objects.filter(group=group)
        .select_related("learner")
        .only(
            "pk",
            "group_id",
            "status",
            "learner__last_name",
            "learner__first_name",
            "learner__middle_name",
            "learner__sex",
        )
        .order_by("learner__last_name", "learner__first_name", "learner__middle_name", "pk")
    )


def _authors(author_ids: set[int]) -> dict[int, str]:
    return {
        u.pk: names.user_full_name(u)
        for u in User.objects.filter(pk__in=author_ids).only("pk", "username", "first_name", "last_name")
    }


def grid(user: Actor, group: Group, module: Module) -> Grid:
    """The grid with a `Cell` per grade: for the print page, which shows every cell."""
    columns = _columns(group, module)
    assessments = [column.assessment for column in columns]
    enrollments = _enrollments(group)
    position = {a.pk: i for i, a in enumerate(assessments)}
    cells_by_enrollment: dict[int, list[Cell | None]] = {e.pk: [None] * len(assessments) for e in enrollments}
    author_ids: set[int] = set()
    for enrollment_id, assessment_id, *cell in _grade_rows([a.pk for a in assessments]):
        cells_by_enrollment[enrollment_id][position[assessment_id]] = Cell(*cell)
        author_ids.add(cell[4])
    weights = [float(a.weight) for a in assessments]
    rows = [
        Row(
            enrollment=e,
            cells=cells_by_enrollment[e.pk],
            result=weighted_result(weights, [_points(cell) for cell in cells_by_enrollment[e.pk]]),
            is_gradable=e.status in GRADABLE_STATUSES,
        )
        for e in enrollments
    ]
    return Grid(
        group=group,
        module=module,
        columns=columns,
        rows=rows,
        authors=_authors(author_ids),
        lock=GradebookLock.objects.filter(group=group, module=module).select_related("locked_by").first(),
        may_edit=access.may_grade(user, group.pk, module.pk),
        may_correct_locked=access.is_administration(user),
    )


@dataclass
class CompactGrid:
    """The grid as the browser's virtualised table reads it: no object per cell.

    `cells` holds JSON texts made by the database, one list per field of the grade rows, in
    one order: enrolment ids, assessment ids, values, points, versions, author ids and flags
    (1: a passing value, 2: «н/я»). A cell without a grade row is empty, version 0. The page
    works out each row's result from the points as `weighted_result` does (same order, same
    arithmetic), and a save answers the row's result from the server."""

    group: Group
    module: Module
    columns: list[Column]
    enrollments: list[Enrollment]
    cells: dict[str, str]
    authors: dict[int, str]
    lock: GradebookLock | None = None
    may_edit: bool = False
    may_correct_locked: bool = False

    @property
    def is_read_only(self) -> bool:
        return not self.may_edit or (self.lock is not None and not self.may_correct_locked)


_CELL_LISTS = {
    "enrollment": "enrollment_id",
    "assessment": "assessment_id",
    "value": "value",
    "points": "points",
    "version": "version",
    "by": "entered_by_id",
    "flags": "(CASE WHEN is_passing THEN 1 ELSE 0 END) + (CASE WHEN is_absent THEN 2 ELSE 0 END)",
}


def _grade_lists(assessment_ids: list[int]) -> tuple[dict[str, str], list[int]]:
    """Every grade row of these columns as JSON lists built by the database in one query (at
    60,000 rows, Python would spend more on a tuple per row than the database on the lists),
    and, from the same scan, the distinct authors of the grades."""
    if not assessment_ids:
        return dict.fromkeys(_CELL_LISTS, "[]"), []
    if connection.vendor == "postgresql":
        # Text, so that the driver hands over the JSON as the database wrote it.
        columns = ", ".join(f"JSON_AGG({expression})::text" for expression in _CELL_LISTS.values())
        authors = "JSON_AGG(DISTINCT entered_by_id)::text"
    else:
        columns = ", ".join(f"JSON_GROUP_ARRAY({expression})" for expression in _CELL_LISTS.values())
        authors = "JSON_GROUP_ARRAY(DISTINCT entered_by_id)"
    placeholders = ", ".join(["%s"] * len(assessment_ids))
    sql = f"SELECT {columns}, {authors} FROM {Grade._meta.db_table} WHERE assessment_id IN ({placeholders})"  # noqa: S608 - only placeholders and fixed names
    with connection.cursor() as cursor:
        cursor.execute(sql, assessment_ids)
        *lists, author_ids = cursor.fetchone()
    cells = {name: text or "[]" for name, text in zip(_CELL_LISTS, lists, strict=True)}
    return cells, json.loads(author_ids or "[]")


def compact_grid(user: Actor, group: Group, module: Module) -> CompactGrid:
    """The grid's data for the page in as many queries whatever its size, with no Python
    object per cell (see `_grade_lists`)."""
    columns = _columns(group, module)
    cells, author_ids = _grade_lists([column.assessment.pk for column in columns])
    return CompactGrid(
        group=group,
        module=module,
        columns=columns,
        enrollments=_enrollments(group),
        cells=cells,
        authors={
            u.pk: names.user_full_name(u)
            for u in User.objects.filter(pk__in=author_ids).only("pk", "username", "first_name", "last_name")
        },
        lock=GradebookLock.objects.filter(group=group, module=module).select_related("locked_by").first(),
        may_edit=access.may_grade(user, group.pk, module.pk),
        may_correct_locked=access.is_administration(user),
    )


def cell_history(user: Actor, assessment_pk: int, enrollment_pk: int) -> list[GradeChange]:
    assessment = Assessment.objects.visible_to(user).get(pk=assessment_pk)
    return list(
        GradeChange.objects.filter(grade__assessment=assessment, grade__enrollment_id=enrollment_pk)
        .select_related("changed_by")
        .order_by("-changed_at", "-pk")
    )


def group_modules(user: Actor, group: Group) -> list[dict]:
    """The modules of a group with their gradebook state, for the group page."""
    modules = list(group.program.modules.all())
    counts = dict(
        Assessment.objects.filter(group=group)
        .values("module_id")
        .annotate(n=Count("pk"))
        .values_list("module_id", "n")
    )
    locked = set(GradebookLock.objects.filter(group=group).values_list("module_id", flat=True))
    return [{"module": m, "assessments": counts.get(m.pk, 0), "is_locked": m.pk in locked} for m in modules]


@dataclass
class OverdueLine:
    teachers: str
    group: Group
    module: Module
    assessments: int
    empty_cells: int
    oldest_due_on: dt.date


def overdue(user: Actor) -> list[OverdueLine]:
    """Per group and module: columns past their deadline with empty cells (п. 7.1, своевременность)."""
    today = timezone.localdate()
    # Only learners who are studying owe grades; one on academic leave is not behind.
    gradable = Enrollment.objects.filter(group=OuterRef("group"), status=Enrollment.Status.STUDYING)
    expected = Subquery(gradable.values("group").annotate(n=Count("pk")).values("n")[:1])
    late = Assessment.objects.visible_to(user).filter(due_on__lt=today)
    if not access.sees_everything(user) and not access.has_role(user, roles.CURATOR):
        # A teacher answers for the modules they teach, not for colleagues' columns.
        late = late.filter(
            Exists(
                TeachingAssignment.objects.filter(
                    group=OuterRef("group"), module=OuterRef("module"), teacher=user
                )
            )
        )
    late = late.annotate(
        expected=expected,
        filled=Count(
            "grades",
            filter=~Q(grades__value="") & Q(grades__enrollment__status=Enrollment.Status.STUDYING),
            distinct=True,
        ),
    ).values("pk", "group_id", "module_id", "due_on", "expected", "filled")
    buckets: dict[tuple[int, int], dict] = {}
    for row in late:
        empty = (row["expected"] or 0) - row["filled"]
        if empty <= 0:
            continue
        bucket = buckets.setdefault(
            (row["group_id"], row["module_id"]), {"assessments": 0, "empty": 0, "oldest": row["due_on"]}
        )
        bucket["assessments"] += 1
        bucket["empty"] += empty
        bucket["oldest"] = min(bucket["oldest"], row["due_on"])
    if not buckets:
        return []
    groups = Group.objects.in_bulk({g for g, _ in buckets})
    modules = Module.objects.in_bulk({m for _, m in buckets})
    teachers: dict[tuple[int, int], list[str]] = defaultdict(list)
    for assignment in TeachingAssignment.objects.filter(group_id__in=groups).select_related("teacher"):
        teachers[(assignment.group_id, assignment.module_id)].append(names.user_full_name(assignment.teacher))
    lines = [
        OverdueLine(
            teachers=", ".join(sorted(teachers[key], key=collation.ru_key)) or "преподаватель не назначен",
            group=groups[key[0]],
            module=modules[key[1]],
            assessments=b["assessments"],
            empty_cells=b["empty"],
            oldest_due_on=b["oldest"],
        )
        for key, b in buckets.items()
    ]
    return sorted(
        lines, key=lambda line: (collation.ru_key(line.teachers), line.group.code, line.module.order)
    )


def learner_grades(user: Actor) -> list[dict]:
    """A learner's own current grades, per enrolment and module (read-only)."""
    enrollments = list(
        Enrollment.objects.visible_to(user)
        .filter(learner__user=user)
        .select_related("group__program")
        .order_by("-group__starts_on")
    )
    grades = (
        Grade.objects.filter(enrollment__in=enrollments)
        .exclude(value="")
        .select_related("assessment__module", "assessment__scale")
        .order_by("assessment__module__order", "assessment__held_on", "assessment__pk")
    )
    by_enrollment: dict[int, dict[int, dict]] = defaultdict(dict)
    for grade in grades:
        module = grade.assessment.module
        entry = by_enrollment[grade.enrollment_id].setdefault(module.pk, {"module": module, "grades": []})
        entry["grades"].append(grade)
    return [{"enrollment": e, "modules": list(by_enrollment[e.pk].values())} for e in enrollments]


# The categories of a distribution of current grades, in the order charts show them; a custom
# scale's values that are none of these follow, by their labels.
RESULT_CATEGORIES = (
    "отлично",
    "хорошо",
    "удовлетворительно",
    "неудовлетворительно",
    "зачтено",
    "не зачтено",
)
ABSENT_CATEGORY = "неявка"
EMPTY_CATEGORY = "нет оценки"


@dataclass
class Progress:
    """A group's gradebook in figures: cells owed (learners who may be graded × assessments),
    cells filled, and the filled ones by category (counts, never names)."""

    expected: int = 0
    filled: int = 0
    by_category: dict[str, int] = field(default_factory=dict)

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.expected) if self.expected else 0

    @property
    def empty(self) -> int:
        return max(self.expected - self.filled, 0)

    def categories(self) -> list[tuple[str, int]]:
        """Every category with a count, standard ones first, then «неявка» and «нет оценки»."""
        standard = [(name, self.by_category.get(name, 0)) for name in RESULT_CATEGORIES]
        custom = sorted(
            (
                (name, n)
                for name, n in self.by_category.items()
                if name not in RESULT_CATEGORIES and name != ABSENT_CATEGORY
            ),
            key=lambda item: collation.ru_key(item[0]),
        )
        return [
            *standard,
            *custom,
            (ABSENT_CATEGORY, self.by_category.get(ABSENT_CATEGORY, 0)),
            (EMPTY_CATEGORY, self.empty),
        ]


def _category(scale: GradingScale, values: list[ScaleValue], value: str) -> str:
    if value == ABSENT_MARK:
        return ABSENT_CATEGORY
    if scale.is_numeric:
        score = int(value) if value.isdigit() else -1
        for band in values:
            if band.min_score is not None and band.min_score <= score <= (band.max_score or 100):
                return band.label or band.code
        return value
    for scale_value in values:
        if scale_value.code == value:
            return scale_value.label or scale_value.code
    return value


def results_progress(group_ids: list[int]) -> dict[int, Progress]:
    """Per group: how much of its gradebook is filled and the current grades by category, for
    learners who may be graded (not the expelled), in four queries whatever the groups' size."""
    progress = {pk: Progress() for pk in group_ids}
    gradable = Enrollment.objects.filter(group=OuterRef("group"), status__in=GRADABLE_STATUSES)
    expected = Subquery(gradable.values("group").annotate(n=Count("pk")).values("n")[:1])
    for group_id, n in (
        Assessment.objects.filter(group_id__in=group_ids)
        .annotate(expected=expected)
        .values_list("group_id", "expected")
    ):
        progress[group_id].expected += n or 0
    counts = (
        Grade.objects.filter(assessment__group_id__in=group_ids, enrollment__status__in=GRADABLE_STATUSES)
        .exclude(value="")
        .values_list("assessment__group_id", "assessment__scale_id", "value")
        .annotate(n=Count("pk"))
    )
    counts = list(counts)
    scales = GradingScale.objects.in_bulk({scale_id for _, scale_id, _, _ in counts})
    values: dict[int, list[ScaleValue]] = defaultdict(list)
    for value in ScaleValue.objects.filter(scale_id__in=scales).order_by("order"):
        values[value.scale_id].append(value)
    for group_id, scale_id, value, n in counts:
        entry = progress[group_id]
        entry.filled += n
        category = _category(scales[scale_id], values[scale_id], value)
        entry.by_category[category] = entry.by_category.get(category, 0) + n
    return progress


def results_chart(progress: Progress, *, title: str, url: str = "") -> charts.Chart:
    """A group's current grades by category as one stacked bar with its numbers."""
    categories = progress.categories()
    return charts.stacked(
        title,
        f"Текущие оценки в журнале: внесено {progress.filled} из {progress.expected} "
        f"({progress.percent}%); по категориям — "
        + ", ".join(f"{name} — {n}" for name, n in categories if n),
        [name for name, _ in categories],
        [charts.Stack("", [n for _, n in categories], url)],
        first_header="Текущие оценки",
        url=url,
    )
