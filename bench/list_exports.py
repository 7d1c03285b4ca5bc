"""Benchmark: the list pages' exports of a big list, to decide which ones need a background job.

Run from the repository root:

    .venv/bin/python bench/list_exports.py [COUNT]

It migrates a fresh SQLite database in a temporary directory (or uses DATABASE_URL when set:
it must name an EMPTY scratch database), bulk-inserts COUNT (5,000) learners, each with an
enrolment, an issued document and an open academic debt (groups of 100), and requests each
list export as the administration would, through Django's test client: the learners and the
enrolments lists (XLSX), the academic debts (XLSX) and the register of issued documents (XLSX
and PDF). The register's PDF is also timed for a tenth of the documents (one year's group).

It prints `<export>_<count>_ms=` (median of 3; the PDF once) per export and exits 1 if an
export still answered synchronously (a GET that returns the file) takes 1 s or more.
"""

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from frdo_export import build  # noqa: E402
from gradebook import configure_django  # noqa: E402

SYNC_LIMIT_MS = 1000.0


def add_debts(clerk) -> None:  # noqa: ANN001
    """One signed intermediate statement per group and an open debt per enrolment."""
    from django.utils import timezone

    from zachetka.attestation.models import AcademicDebt, Protocol
    from zachetka.gradebook.models import GradingScale
    from zachetka.programs.models import Enrollment, Group, Module, Program

    program = Program.objects.get()
    module = Module.objects.create(program=program, order=1, title="Модуль", hours=72)
    scale = GradingScale.objects.get(kind=GradingScale.Kind.FIVE_POINT)
    now = timezone.now()
    protocols = Protocol.objects.bulk_create(
        [
            Protocol(
                kind=Protocol.Kind.INTERMEDIATE,
                number=f"ПА-2025-{group.pk:05d}",
                held_on=dt.date(2025, 2, 20),
                group=group,
                module=module,
                scale=scale,
                status=Protocol.Status.SIGNED,
                signed_at=now,
                created_by=clerk,
            )
            for group in Group.objects.order_by("pk")
        ]
    )
    by_group = {protocol.group_id: protocol for protocol in protocols}
    AcademicDebt.objects.bulk_create(
        [
            AcademicDebt(
                enrollment_id=pk,
                module=module,
                arisen_from=by_group[group_id],
                due_on=dt.date(2025, 4, 1) + dt.timedelta(days=pk % 90),
            )
            for pk, group_id in Enrollment.objects.values_list("pk", "group_id")
        ],
        batch_size=1000,
    )


def timed(client, url: str, runs: int, **query: str) -> float:  # noqa: ANN001
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, query)
        body = response.content if not response.streaming else b"".join(response.streaming_content)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        assert body[:2] in (b"PK", b"%P"), url
    return statistics.median(timings)


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory(prefix="zachetka-bench-") as scratch:
        configure_django(scratch)
        from django.contrib.auth.models import Group as Role
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse

        from zachetka.core import roles
        from zachetka.programs.models import Group

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        build(count)
        clerk = User.objects.get(username="bench-clerk")
        add_debts(clerk)
        director = User.objects.create_user("bench-director", password="x")
        director.groups.add(Role.objects.get(name=roles.ADMINISTRATION))
        print(f"setup_s={time.perf_counter() - started:.1f} ({count} learners, documents, debts)")

        client = Client()
        client.force_login(director)
        client.get(reverse("web:home"))  # warm up (templates, permissions)
        figures: dict[str, float] = {}
        sync = {
            "learner_list_xlsx": reverse("web:learner_list_xlsx"),
            "enrollment_list_xlsx": reverse("programs:enrollment_list_xlsx"),
            "debt_list_xlsx": reverse("attestation:debt_list_xlsx"),
            "registry_xlsx": reverse("documents:registry_xlsx"),
        }
        for name, url in sync.items():
            figures[f"{name}_{count}_ms"] = round(timed(client, url, 3), 1)
        try:
            import weasyprint  # noqa: F401 - needs Pango
        except OSError:
            print("registry_pdf skipped: install Pango (libpango-1.0-0 libpangoft2-1.0-0)")
        else:
            url = reverse("documents:registry_pdf")
            group = Group.objects.order_by("pk").first()
            figures["registry_pdf_group_ms"] = round(timed(client, url, 1, group=str(group.pk)), 1)
            figures[f"registry_pdf_{count}_ms"] = round(timed(client, url, 1), 1)
        for key, value in figures.items():
            print(f"{key}={value}")
        return 0 if all(ms < SYNC_LIMIT_MS for ms in figures.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
