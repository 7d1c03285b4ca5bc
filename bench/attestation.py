"""Benchmark: intermediate attestation of a whole group and its consolidated statement.

Run from the repository root:

    .venv/bin/python bench/attestation.py

It migrates a fresh SQLite database in a temporary directory (or uses DATABASE_URL when set:
it must name an EMPTY scratch database), builds a group of 30 learners and one of 300, each in
a program of 8 modules (module 1 with 40 graded assessments per learner), and measures:

- drawing up, filling in (one save of every learner's result) and signing a statement of each
  module through the services, per statement: median ms and SQL queries of each step;
- the protocol page and the consolidated statement's page through Django's test client, and
  the statement's XLSX and PDF as their background job makes them (reading the statement and
  rendering the file): median ms and query counts.

It prints one `name=value` line per figure and exits 1 if a page's query count differs between
the 30- and the 300-learner group.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gradebook import build_group, configure_django, measure  # noqa: E402

MODULES = 8


def counted(step):  # noqa: ANN001, ANN201
    """Run `step()`, returning its result, elapsed ms and query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = step()
        elapsed = (time.perf_counter() - started) * 1000
    return result, elapsed, len(captured.captured_queries)


def summary_file(user, group, render, runs: int) -> tuple[float, int]:  # noqa: ANN001
    """Median ms and query count of reading the consolidated statement and rendering its file."""
    from zachetka.attestation import selectors

    timings, queries = [], 0
    for _ in range(runs):
        _, ms, queries = counted(lambda: render(selectors.group_summary(user, group.pk)))
        timings.append(ms)
    return statistics.median(timings), queries


def attest_group(group, teacher, figures: dict, name: str) -> list:  # noqa: ANN001
    """Sign a statement of every module; record median ms and max queries per step."""
    import datetime as dt

    from zachetka.attestation import services
    from zachetka.programs.models import Module, TeachingAssignment

    program = group.program
    Module.objects.filter(program=program).update(attestation_form=Module.AttestationForm.EXAM)
    for order in range(2, MODULES + 1):
        module = Module.objects.create(
            program=program, order=order, title=f"Модуль {order}", hours=8, attestation_form="exam"
        )
        TeachingAssignment.objects.create(group=group, module=module, teacher=teacher)
    steps: dict[str, list[tuple[float, int]]] = {"create": [], "fill": [], "sign": []}
    protocols = []
    for module in program.modules.order_by("order"):
        protocol, ms, queries = counted(
            lambda module=module: services.create_intermediate_statement(
                by=teacher, group=group, module=module, held_on=dt.date(2026, 11, 20)
            )
        )
        steps["create"].append((ms, queries))
        entries = [
            services.ResultEntry(line.enrollment_id, "2" if i % 10 == 0 else "4")
            for i, line in enumerate(protocol.results.order_by("pk"))
        ]
        _, ms, queries = counted(
            lambda p=protocol, e=entries: services.set_results(by=teacher, protocol=p, entries=e)
        )
        steps["fill"].append((ms, queries))
        protocol.refresh_from_db()
        _, ms, queries = counted(lambda p=protocol: services.sign_protocol(by=teacher, protocol=p))
        steps["sign"].append((ms, queries))
        protocols.append(protocol)
    for step, runs in steps.items():
        figures[f"{name}_statement_{step}_ms"] = round(statistics.median(ms for ms, _ in runs), 1)
        figures[f"{name}_statement_{step}_queries"] = max(q for _, q in runs)
    return protocols


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="zachetka-bench-") as scratch:
        configure_django(scratch)
        from django.contrib.auth.models import Group as Role
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse

        from zachetka.attestation import export, pdf
        from zachetka.core import roles

        call_command("migrate", verbosity=0)
        teacher = User.objects.create_user(
            "bench-teacher", password="x", first_name="Ирина", last_name="Петрова"
        )
        teacher.groups.add(Role.objects.get(name=roles.TEACHER))
        director = User.objects.create_user("bench-director", password="x")
        director.groups.add(Role.objects.get(name=roles.ADMINISTRATION))

        figures: dict[str, float | int] = {}
        client = Client()
        client.force_login(teacher)
        for name, learners in (("g30", 30), ("g300", 300)):
            group, *_ = build_group(f"А-{learners}", learners, 40, teacher, director)
            protocols = attest_group(group, teacher, figures, name)
            pages = {
                "protocol_page": reverse("attestation:protocol_detail", args=[protocols[0].pk]),
                "summary_page": reverse("attestation:group_summary", args=[group.pk]),
            }
            for page, url in pages.items():
                ms, queries, _ = measure(client, "get", url, 9)
                figures[f"{name}_{page}_ms"], figures[f"{name}_{page}_queries"] = round(ms, 1), queries
            # The statement's files are made by a background job; this is the job's own work.
            ms, queries = summary_file(teacher, group, export.summary_workbook, 9)
            figures[f"{name}_summary_xlsx_ms"], figures[f"{name}_summary_xlsx_queries"] = (
                round(ms, 1),
                queries,
            )
            try:
                import weasyprint  # noqa: F401 - needs Pango
            except OSError:
                print("summary_pdf skipped: install Pango (libpango-1.0-0 libpangoft2-1.0-0)")
            else:
                ms, _ = summary_file(teacher, group, pdf.render_summary_pdf, 3)
                figures[f"{name}_summary_pdf_ms"] = round(ms, 1)

        for key, value in figures.items():
            print(f"{key}={value}")
        steady = all(
            figures[f"g30_{page}_queries"] == figures[f"g300_{page}_queries"]
            for page in ("protocol_page", "summary_page", "summary_xlsx")
        )
        return 0 if steady else 1


if __name__ == "__main__":
    sys.exit(main())
