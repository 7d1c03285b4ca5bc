"""Benchmark: the list pages' exports of a big list (which is why they are background jobs).

Run from the repository root:

    .venv/bin/python bench/list_exports.py [COUNT]

It migrates a fresh SQLite database in a temporary directory (or uses DATABASE_URL when set:
it must name an EMPTY scratch database), bulk-inserts COUNT (5,000) learners, each with an
enrolment, an issued document and an open academic debt (groups of 100), and starts each list
export as the administration would, through Django's test client, with the job queue running
jobs at once (as in the tests), so the time is the whole job's: the learners and the enrolments
lists (XLSX), the academic debts (XLSX) and the register of issued documents (XLSX and PDF). The
register's PDF is also timed for one group (100 documents).

It prints `<export>_<count>_ms=` (median of 3; the PDF once) per export. Measured on a 2-core
machine shared with other work, before the exports became jobs (synchronous GETs): learners
3,893 ms, enrolments 6,739 ms, debts 5,421 ms, registry XLSX 9,122 ms, registry PDF 315,870 ms
(2,487 ms for one group): all over the 1 s a page may take. It exits 1 if a GET of an export
starts work instead of going back to its list.
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


def timed(client, url: str, runs: int) -> float:  # noqa: ANN001
    """Median ms of starting the export's job (which runs at once) and reading its file."""
    from django.urls import resolve, reverse

    from zachetka.jobs.models import Job

    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.post(url)
        job = Job.objects.get(pk=resolve(response["Location"]).kwargs["pk"])
        assert job.status == Job.Status.DONE, job.error
        body = b"".join(client.get(reverse("jobs:file", args=[job.pk])).streaming_content)
        timings.append((time.perf_counter() - started) * 1000)
        assert body[:2] in (b"PK", b"%P"), url
    return statistics.median(timings)


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory(prefix="zachetka-bench-") as scratch:
        configure_django(scratch)
        from django.conf import settings
        from django.contrib.auth.models import Group as Role
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse
        from huey.contrib.djhuey import HUEY

        from zachetka.core import roles
        from zachetka.programs.models import Group

        settings.MEDIA_ROOT = str(Path(scratch) / "media")  # the jobs' files
        HUEY.immediate = True
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
        exports = {
            "learner_list_xlsx": reverse("web:learner_list_xlsx"),
            "enrollment_list_xlsx": reverse("programs:enrollment_list_xlsx"),
            "debt_list_xlsx": reverse("attestation:debt_list_xlsx"),
            "registry_xlsx": reverse("documents:registry_xlsx"),
        }
        starts_on_get = False
        for name, url in exports.items():
            figures[f"{name}_{count}_ms"] = round(timed(client, url, 3), 1)
            starts_on_get = starts_on_get or client.get(url).status_code != 302
        try:
            import weasyprint  # noqa: F401 - needs Pango
        except OSError:
            print("registry_pdf skipped: install Pango (libpango-1.0-0 libpangoft2-1.0-0)")
        else:
            url = reverse("documents:registry_pdf")
            group = Group.objects.order_by("pk").first()
            figures["registry_pdf_group_ms"] = round(timed(client, f"{url}?group={group.pk}", 1), 1)
            figures[f"registry_pdf_{count}_ms"] = round(timed(client, url, 1), 1)
        for key, value in figures.items():
            print(f"{key}={value}")
        return 1 if starts_on_get else 0


if __name__ == "__main__":
    sys.exit(main())
