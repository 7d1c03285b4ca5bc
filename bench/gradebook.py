"""Benchmark: the gradebook grid page and saving one cell, with every grade entered.

Run from the repository root:

    .venv/bin/python bench/gradebook.py

It migrates a fresh SQLite database in a temporary directory (or uses DATABASE_URL when set:
it must name an EMPTY scratch database), builds a group of 30 learners × 40 assessments and a
group of 300 learners × 200 assessments with all grades entered, and measures through Django's
test client (the whole request: session, access checks, queries, rendering):

- the grid page of each group: median server time over several requests and the SQL query count;
- saving one cell (a changed value): median time and query count;
- the 300 × 200 group's gradebook XLSX (what the background job `gradebook.group_xlsx` runs):
  median time;
- the floor: one SQL query fetching the 300 × 200 grid's 60,000 grade rows with the cursor
  (median time, same run), and the grid page's time divided by it.

It also prints the 300 × 200 grid page's HTML size and its size gzipped at level 6 (what
nginx's `gzip_comp_level 6` of the README's set-up sends).

It ends by printing one `name=value` line per figure: grid_30x40_ms, grid_30x40_queries,
grid_300x200_ms, grid_300x200_queries, html_bytes_300x200, html_gzip_bytes_300x200,
raw_fetch_300x200_ms, grid_300x200_floor_ratio, save_cell_ms, save_cell_queries,
export_300x200_ms. It exits 1 if the 30 × 40 grid is not under 100 ms, if the query count
differs between the two grids or if the export takes a second or more.
"""

import datetime as dt
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
GRID_TARGET_MS = 100.0
EXPORT_TARGET_MS = 1000.0


def configure_django(scratch_dir: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_dev")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(scratch_dir) / 'bench.sqlite3'}")
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    import django

    django.setup()
    from django.conf import settings

    # Hashing a password costs a third of a second; the benchmark measures pages, not log-in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEBUG = False


def build_group(code: str, learners: int, assessments: int, teacher, director):  # noqa: ANN001, ANN201
    """Create a group with `learners` × `assessments` grades, bulk-inserted (setup, not measured)."""
    from django.utils import timezone

    from zachetka.core import snils
    from zachetka.gradebook.models import Assessment, Grade, GradingScale
    from zachetka.people.models import Learner
    from zachetka.programs.models import Enrollment, Group, Module, Program, TeachingAssignment

    program = Program.objects.create(
        title=f"Программа {code}", kind=Program.Kind.QUALIFICATION_UPGRADE, hours=72
    )
    module = Module.objects.create(program=program, order=1, title="Модуль", hours=72)
    today = timezone.localdate()
    group = Group.objects.create(
        code=code,
        program=program,
        starts_on=today - dt.timedelta(days=200),
        ends_on=today + dt.timedelta(days=30),
    )
    TeachingAssignment.objects.create(group=group, module=module, teacher=teacher)
    base = 100_000_000 + Learner.objects.count() * 13
    people = []
    for n in range(learners):
        learner = Learner(
            last_name=f"Фамилия{n:04d}",
            first_name="Имя",
            middle_name="Отчество",
            birth_date=dt.date(1990, 1, 1),
            sex="M",
            snils=snils.with_checksum(f"{base + n * 13:09d}"),
        )
        learner.refresh_search_key()
        people.append(learner)
    Learner.objects.bulk_create(people)
    enrollments = Enrollment.objects.bulk_create([Enrollment(learner=p, group=group) for p in people])
    five = GradingScale.objects.get(kind=GradingScale.Kind.FIVE_POINT)
    columns = Assessment.objects.bulk_create(
        [
            Assessment(
                group=group,
                module=module,
                held_on=today - dt.timedelta(days=assessments - i),
                due_on=today + dt.timedelta(days=3),
                title=f"Работа {i + 1}",
                scale=five,
                created_by=teacher,
            )
            for i in range(assessments)
        ]
    )
    now = timezone.now()
    points = {"5": 100, "4": 80, "3": 60, "2": 0}
    grades = []
    for i, enrollment in enumerate(enrollments):
        for j, column in enumerate(columns):
            value = "5432"[(i + j) % 4]
            grades.append(
                Grade(
                    assessment=column,
                    enrollment=enrollment,
                    value=value,
                    points=points[value],
                    is_passing=value != "2",
                    entered_by=teacher,
                    entered_at=now,
                )
            )
    Grade.objects.bulk_create(grades, batch_size=5000)
    return group, module, enrollments, columns


def measure(client, method: str, url: str, runs: int, **kwargs) -> tuple[float, int, bytes]:  # noqa: ANN001
    """Median time and query count of `runs` requests, and the last response's body."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    getattr(client, method)(url, **kwargs)  # warm up caches (templates, permissions)
    timings = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = getattr(client, method)(url, **kwargs)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(captured.captured_queries)
    return statistics.median(timings), queries, response.content


def raw_fetch_ms(assessment_ids: list[int], runs: int) -> float:
    """Median time of the database's floor: one SQL query fetching every grade row of the grid
    (the columns the page shows), read with the cursor, nothing built from it."""
    from django.db import connection

    from zachetka.gradebook.models import Grade

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
    timings = []
    for _ in range(runs + 1):  # the first run warms the database's caches and is not counted
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        timings.append((time.perf_counter() - started) * 1000)
    assert len(rows) == 60_000, len(rows)
    return statistics.median(timings[1:])


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="zachetka-bench-") as scratch:
        configure_django(scratch)
        from django.contrib.auth.models import Group as Role
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse

        from zachetka.core import roles

        call_command("migrate", verbosity=0)
        teacher = User.objects.create_user(
            "bench-teacher", password="x", first_name="Ирина", last_name="Петрова"
        )
        teacher.groups.add(Role.objects.get(name=roles.TEACHER))
        director = User.objects.create_user("bench-director", password="x")
        director.groups.add(Role.objects.get(name=roles.ADMINISTRATION))

        started = time.perf_counter()
        small = build_group("Б-30x40", 30, 40, teacher, director)
        large = build_group("Б-300x200", 300, 200, teacher, director)
        print(f"setup_s={time.perf_counter() - started:.1f} (60,000 + 1,200 grades)")

        client = Client()
        client.force_login(teacher)
        figures: dict[str, float | int] = {}
        for name, (group, module, _, _) in (("grid_30x40", small), ("grid_300x200", large)):
            runs = 30 if name == "grid_30x40" else 7
            url = reverse("gradebook:grid", args=[group.pk, module.pk])
            ms, queries, html = measure(client, "get", url, runs)
            figures[f"{name}_ms"], figures[f"{name}_queries"] = round(ms, 1), queries
            if name == "grid_300x200":
                figures["html_bytes_300x200"] = len(html)
                figures["html_gzip_bytes_300x200"] = len(gzip.compress(html, compresslevel=6))
                figures["raw_fetch_300x200_ms"] = round(raw_fetch_ms([c.pk for c in large[3]], runs), 1)
                figures["grid_300x200_floor_ratio"] = round(ms / figures["raw_fetch_300x200_ms"], 2)

        group, module, enrollments, columns = small
        values = iter(["3", "4"] * 100)
        save_url = reverse("gradebook:cell_save")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from zachetka.gradebook.models import Grade

        def save_once() -> tuple[float, int]:
            version = Grade.objects.get(assessment=columns[0], enrollment=enrollments[0]).version
            body = json.dumps(
                {
                    "assessment": columns[0].pk,
                    "enrollment": enrollments[0].pk,
                    "value": next(values),
                    "version": version,
                }
            )
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.post(save_url, data=body, content_type="application/json")
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.content
            return elapsed, len(captured.captured_queries)

        save_once()  # warm up
        save_timings, save_queries = [], 0
        for _ in range(25):
            ms, save_queries = save_once()
            save_timings.append(ms)
        figures["save_cell_ms"] = round(statistics.median(save_timings), 1)
        figures["save_cell_queries"] = save_queries

        # The XLSX is made by a background job (started by a POST); this is the job's own work.
        from zachetka.gradebook import export

        export.group_workbook(teacher, large[0])  # warm up
        export_timings = []
        for _ in range(5):
            started = time.perf_counter()
            workbook = export.group_workbook(teacher, large[0])
            export_timings.append((time.perf_counter() - started) * 1000)
        assert workbook.startswith(b"PK"), "the export is not an XLSX file"
        figures["export_300x200_ms"] = round(statistics.median(export_timings), 1)

        for key, value in figures.items():
            print(f"{key}={value}")
        ok = (
            figures["grid_30x40_ms"] < GRID_TARGET_MS
            and figures["grid_30x40_queries"] == figures["grid_300x200_queries"]
            and figures["export_300x200_ms"] < EXPORT_TARGET_MS
        )
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
