"""Benchmark: confirming a Moodle gradebook import of 300 learners × 20 grade items (6,000 new
grades), the write `lms.services.import_grades` does (checks, grades, their history rows by the
database's triggers, one audit event per cell and one for the import).

Run from the repository root:

    .venv/bin/python bench/moodle_import.py

It migrates a fresh SQLite database in a temporary directory (or uses DATABASE_URL when set: it
must name an EMPTY scratch database), builds the group, reads and plans a Moodle CSV export
(measured apart: the job does this outside its write transaction), then imports it and, into
the same cells, a second file that corrects every grade. It prints one `name=value` line per
figure: plan_s, import_new_s, statements_new (SQL statements of the first import; an
executemany counts once), import_corrections_s.
"""

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gradebook import configure_django  # noqa: E402 - bench/gradebook.py, beside this file

LEARNERS = 300
ITEMS = 20


def build_course(teacher):  # noqa: ANN001, ANN201
    from django.utils import timezone

    from zachetka.core import snils
    from zachetka.gradebook.models import Assessment, GradingScale
    from zachetka.people.models import Learner
    from zachetka.programs.models import Enrollment, Group, Module, Program, TeachingAssignment

    program = Program.objects.create(title="Программа", kind=Program.Kind.QUALIFICATION_UPGRADE, hours=72)
    module = Module.objects.create(program=program, order=1, title="Модуль", hours=72)
    today = timezone.localdate()
    group = Group.objects.create(
        code="М-300",
        program=program,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=60),
    )
    TeachingAssignment.objects.create(group=group, module=module, teacher=teacher)
    people = []
    for n in range(LEARNERS):
        learner = Learner(
            last_name=f"Фамилия{n:04d}",
            first_name="Имя",
            middle_name="Отчество",
            birth_date=dt.date(1990, 1, 1),
            sex="M",
            snils=snils.with_checksum(f"{100_000_000 + n * 13:09d}"),
        )
        learner.refresh_search_key()
        people.append(learner)
    Learner.objects.bulk_create(people)
    Enrollment.objects.bulk_create([Enrollment(learner=p, group=group) for p in people])
    hundred = GradingScale.objects.get(kind=GradingScale.Kind.HUNDRED_POINT)
    Assessment.objects.bulk_create(
        [
            Assessment(
                group=group,
                module=module,
                held_on=today - dt.timedelta(days=ITEMS - i),
                due_on=today + dt.timedelta(days=10),
                title=f"Работа {i + 1}",
                scale=hundred,
                created_by=teacher,
            )
            for i in range(ITEMS)
        ]
    )
    return group, module, people


def moodle_csv(people, shift: int) -> bytes:  # noqa: ANN001
    from zachetka.core import snils

    header = ["First name", "Last name", "ID number", "Email address"]
    header += [f"Assignment: Работа {i + 1} (Real)" for i in range(ITEMS)]
    lines = [",".join(f'"{h}"' for h in header)]
    for n, learner in enumerate(people):
        grades = [f"{(n + i + shift) % 60 + 40}.00" for i in range(ITEMS)]
        lines.append(
            ",".join([learner.first_name, learner.last_name, snils.format_snils(learner.snils), "", *grades])
        )
    return ("\n".join(lines) + "\n").encode()


def plan(user, group, module, content: bytes):  # noqa: ANN001, ANN201
    from zachetka.lms import moodle, selectors

    gradebook = moodle.read_gradebook("Оценки.csv", content)
    assessments = selectors.assessments(user, group, module)
    return selectors.plan(group, gradebook, moodle.guess_mapping(gradebook.columns, assessments), assessments)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="zachetka-bench-") as scratch:
        configure_django(scratch)
        from django.contrib.auth.models import Group as Role
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.db import connection

        from zachetka.core import roles
        from zachetka.lms import services

        call_command("migrate", verbosity=0)
        teacher = User.objects.create_user(
            "bench-teacher", password="x", first_name="Ирина", last_name="Петрова"
        )
        teacher.groups.add(Role.objects.get(name=roles.TEACHER))
        group, module, people = build_course(teacher)
        figures: dict[str, float | int] = {}
        statements = [0]

        def count(execute, sql, params, many, context):  # noqa: ANN001, ANN202
            statements[0] += 1
            return execute(sql, params, many, context)

        for name, shift in (("new", 0), ("corrections", 7)):
            started = time.perf_counter()
            planned = plan(teacher, group, module, moodle_csv(people, shift))
            figures.setdefault("plan_s", round(time.perf_counter() - started, 2))
            assert not planned.errors, planned.errors[:3]
            started = time.perf_counter()
            statements[0] = 0
            with connection.execute_wrapper(count):
                outcome = services.import_grades(
                    by=teacher,
                    group=group,
                    module=module,
                    plan=planned,
                    seen_versions=planned.seen_versions(),
                    overwrite=True,
                    reason="",
                    source="Оценки.csv",
                )
            figures[f"import_{name}_s"] = round(time.perf_counter() - started, 2)
            if name == "new":
                figures["statements_new"] = statements[0]
                assert outcome.entered == LEARNERS * ITEMS, outcome
            else:
                assert outcome.corrected > 0, outcome
        for name, value in figures.items():
            print(f"{name}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
