"""Benchmark: what the access log costs a page, and how fast «who looked at X» is answered.

Run from the repository root:

    .venv/bin/python bench/access_log.py

It migrates a fresh SQLite database in a temporary directory (or uses DATABASE_URL when set:
it must name an EMPTY scratch database), builds a group of 300 learners with 20 graded
assessments, and measures through Django's test client, with the access log's middleware and
without it:

- the group page and the group's gradebook: median server time and SQL query count, the
  requests with and without the log taken in turns (the machine's load falls on both alike);
- what the log adds alone: finding the 300 learners of the group page and the INSERT;

then fills the log with 50,000 rows of 30 learners each over a year and times the registry's
question for one learner over one month (the page, through the client).

It prints one `name=value` line per figure and exits 1 if a page logs more than one INSERT.
"""

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "bench"))

from gradebook import build_group, configure_django  # noqa: E402

MIDDLEWARE = "zachetka.accesslog.middleware.AccessLogMiddleware"


def measure(url: str, user, runs: int) -> tuple[float, int, int]:  # noqa: ANN001
    """Median ms, queries and INSERTs into the access log of GET `url` as `user`."""
    return measure_pair(url, user, runs, compare=False)[0]


def _client(user):  # noqa: ANN001, ANN202
    from django.test import Client

    client = Client()  # a new client loads the middleware as the settings say when it first serves
    client.force_login(user)
    return client


def measure_pair(url: str, user, runs: int, compare: bool = True) -> list[tuple[float, int, int]]:  # noqa: ANN001
    """The page with the access log and, if `compare`, without it, requests taken in turns so
    that the load of a shared machine falls on both alike: (median ms, queries, log INSERTs)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, modify_settings

    logged = _client(user)
    logged.get(url)  # warm up, and load this client's middleware with the log
    clients = [logged]
    if compare:
        with modify_settings(MIDDLEWARE={"remove": [MIDDLEWARE]}):
            unlogged = _client(user)
            unlogged.get(url)
        clients.append(unlogged)
    timings: list[list[float]] = [[] for _ in clients]
    counts = [(0, 0) for _ in clients]
    for _ in range(runs):
        for i, client in enumerate(clients):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings[i].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            sql = [q["sql"] for q in captured.captured_queries]
            counts[i] = (len(sql), sum(1 for q in sql if q.startswith("INSERT") and "accesslog_" in q))
    return [(statistics.median(t), *c) for t, c in zip(timings, counts, strict=True)]


def log_write(url: str, user, runs: int) -> float:  # noqa: ANN001
    """Median ms of what the middleware adds to a request: finding the learners, one INSERT."""
    from django.test import RequestFactory
    from django.urls import resolve

    from zachetka.accesslog import capture, services

    timings = []
    for _ in range(runs):
        request = RequestFactory().get(url)
        request.user, request.resolver_match = user, resolve(url)
        started = time.perf_counter()
        learners = capture.learners_shown(request)
        services.record_access(
            by=user,
            learner_ids=learners,
            view_name="programs:group_detail",
            object_id="1",
            path=url,
            content_type="text/html",
        )
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def fill_log(learner_ids: list[int], rows: int) -> None:
    from django.utils import timezone

    from zachetka.accesslog.models import AccessRecord

    now = timezone.now()
    batch = []
    for n in range(rows):
        ids = [learner_ids[(n * 7 + k) % len(learner_ids)] + 1_000 * (n % 50) for k in range(30)]
        batch.append(
            AccessRecord(
                at=now - dt.timedelta(minutes=n * 10),
                user_id=1,
                actor_name="Петрова Ирина",
                actor_roles="Педагогический работник",
                view_name="programs:group_detail",
                path="/groups/1/",
                learner_ids=AccessRecord.encode(ids),
                learner_count=len(ids),
            )
        )
    AccessRecord.objects.bulk_create(batch, batch_size=2000)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="zachetka-bench-") as scratch:
        configure_django(scratch)
        from django.contrib.auth.models import Group as Role
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.urls import reverse
        from django.utils import timezone

        from zachetka.core import roles

        call_command("migrate", verbosity=0)
        teacher = User.objects.create_user(
            "bench-teacher", password="x", first_name="Ирина", last_name="Петрова"
        )
        teacher.groups.add(Role.objects.get(name=roles.TEACHER))
        director = User.objects.create_user("bench-director", password="x", first_name="Ольга", last_name="Д")
        director.groups.add(Role.objects.get(name=roles.ADMINISTRATION))
        group, module, enrollments, _ = build_group("Б-300", 300, 20, teacher, director)
        pages = {
            "group_300": reverse("programs:group_detail", args=[group.pk]),
            "grid_300x20": reverse("gradebook:grid", args=[group.pk, module.pk]),
        }
        figures: dict[str, float | int] = {}
        ok = True
        for name, url in pages.items():
            (ms, queries, inserts), (bare_ms, bare_queries, bare_inserts) = measure_pair(url, director, 21)
            figures[f"{name}_logged_ms"], figures[f"{name}_logged_queries"] = round(ms, 1), queries
            figures[f"{name}_unlogged_ms"], figures[f"{name}_unlogged_queries"] = (
                round(bare_ms, 1),
                bare_queries,
            )
            ok = ok and inserts == 1 and bare_inserts == 0

        figures["log_write_300_ms"] = round(log_write(pages["group_300"], director, 51), 2)
        learner_ids = [e.learner_id for e in enrollments]
        started = time.perf_counter()
        fill_log(learner_ids, 50_000)
        figures["fill_50000_s"] = round(time.perf_counter() - started, 1)
        today = timezone.localdate()
        url = reverse("accesslog:learner_report", args=[learner_ids[0]])
        query = f"?since={today - dt.timedelta(days=30):%d.%m.%Y}&until={today:%d.%m.%Y}"
        ms, queries, _ = measure(url + query, director, 9)
        figures["who_looked_month_of_50000_ms"], figures["who_looked_queries"] = round(ms, 1), queries
        year = f"?since={today - dt.timedelta(days=364):%d.%m.%Y}&until={today:%d.%m.%Y}"
        ms, _, _ = measure(url + year, director, 5)
        figures["who_looked_year_of_50000_ms"] = round(ms, 1)
        for key, value in figures.items():
            print(f"{key}={value}")
        return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_dev")
    sys.exit(main())
