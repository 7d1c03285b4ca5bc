"""Benchmark: exporting 100,000 issued documents to the ФИС ФРДО ДПО template.

Run from the repository root:

    .venv/bin/python bench/frdo_export.py [COUNT]

It migrates a fresh SQLite database in a temporary directory (or uses DATABASE_URL when set:
it must name an EMPTY scratch database), bulk-inserts COUNT (100,000) learners, enrolments and
issued documents (every 50th a duplicate of the one before), then runs
`manage.py export_frdo --template dpo` in a child process, as an operator would, and measures
its wall time and peak memory (maximum resident set size). It reads the file back to check the
row count.

It prints `frdo_<count>_s=`, `frdo_<count>_peak_mb=` and `frdo_<count>_file_mb=` and exits 1 if
the export takes 60 s or more or needs 500 MB or more.
"""

import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gradebook import REPO_ROOT, configure_django  # noqa: E402

TARGET_S, TARGET_MB = 60.0, 500.0
BATCH = 5000


def build(count: int) -> None:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from zachetka.core import snils
    from zachetka.documents.models import Document, RegistrationCounter
    from zachetka.people.models import Learner
    from zachetka.programs.models import Enrollment, Group, Program

    clerk = User.objects.create_user("bench-clerk", password="x")
    program = Program.objects.create(
        title="Управление проектами в образовании", kind=Program.Kind.QUALIFICATION_UPGRADE, hours=72
    )
    groups = Group.objects.bulk_create(
        [
            Group(
                code=f"ПК-2025-{n:04d}",
                program=program,
                starts_on=dt.date(2025, 2, 1),
                ends_on=dt.date(2025, 3, 1),
            )
            for n in range(count // 100 + 1)
        ]
    )
    now = timezone.now()
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        learners = []
        for n in range(start, start + size):
            learner = Learner(
                last_name="Иванова" if n % 2 else "Петров",
                first_name="Анна" if n % 2 else "Пётр",
                middle_name="Сергеевна" if n % 2 else "Ильич",
                birth_date=dt.date(1970, 1, 1) + dt.timedelta(days=n % 9000),
                sex="F" if n % 2 else "M",
                snils=snils.with_checksum(f"{200_000_000 + n * 7:09d}"),
                education_level=Learner.EducationLevel.HIGHER,
                diploma_last_name="Иванова" if n % 2 else "Петров",
                diploma_series="1077",
                diploma_number=f"{n:07d}",
            )
            learner.refresh_search_key()
            learners.append(learner)
        Learner.objects.bulk_create(learners)
        enrollments = Enrollment.objects.bulk_create(
            [
                Enrollment(
                    learner=learner,
                    group=groups[(start + i) // 100],
                    status=Enrollment.Status.COMPLETED,
                    outcome=Enrollment.Outcome.PASSED,
                    completed_on=dt.date(2025, 3, 1),
                )
                for i, learner in enumerate(learners)
            ]
        )
        documents = []
        for i, (learner, enrollment) in enumerate(zip(learners, enrollments, strict=True)):
            seq = start + i + 1
            documents.append(
                Document(
                    registration_number=f"2025-{seq:06d}",
                    registration_year=2025,
                    registration_seq=seq,
                    kind=Document.Kind.QUALIFICATION_CERTIFICATE,
                    enrollment=enrollment,
                    series="УД",
                    number=f"{seq:06d}",
                    issued_on=dt.date(2025, 3, 5),
                    last_name=learner.last_name,
                    first_name=learner.first_name,
                    middle_name=learner.middle_name,
                    sex=learner.sex,
                    program_title=program.title,
                    program_kind=program.kind,
                    hours=program.hours,
                    studied_from=dt.date(2025, 2, 1),
                    studied_to=dt.date(2025, 3, 1),
                    created_by=clerk,
                    created_at=now,
                )
            )
        # Every 50th document is a duplicate of the one before, which is marked lost. An issued
        # document's content never changes (a database guard), so duplicates are inserted after
        # their originals, already pointing at them.
        duplicates, lost = documents[1::50], documents[0::50]
        Document.objects.bulk_create([d for i, d in enumerate(documents) if i % 50 != 1])
        for duplicate, original in zip(duplicates, lost, strict=False):
            duplicate.issue, duplicate.original = Document.Issue.DUPLICATE, original
            original.state, original.state_reason = Document.State.LOST, "утрата"
            original.state_changed_at = now
        Document.objects.bulk_create(duplicates)
        Document.objects.bulk_update(lost, ["state", "state_reason", "state_changed_at"])
    RegistrationCounter.objects.create(year=2025, last=count)


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory(prefix="zachetka-bench-") as scratch:
        configure_django(scratch)
        from django.conf import settings
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        build(count)
        print(f"setup_s={time.perf_counter() - started:.1f} ({count} documents)")
        out = Path(scratch) / "frdo.xlsx"
        environment = os.environ | {
            "DATABASE_URL": settings.DATABASES["default"]["NAME"]
            if os.environ.get("DATABASE_URL") is None
            else os.environ["DATABASE_URL"],
            "DJANGO_MEDIA_ROOT": str(Path(scratch) / "media"),
        }
        if "DATABASE_URL" not in os.environ:
            environment["DATABASE_URL"] = f"sqlite:///{settings.DATABASES['default']['NAME']}"
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [
                sys.executable,
                str(REPO_ROOT / "manage.py"),
                "export_frdo",
                str(out),
                "--template",
                "dpo",
                "--year",
                "2025",
            ],
            check=True,
            env=environment,
            cwd=REPO_ROOT,
        )
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        from openpyxl import load_workbook

        rows = load_workbook(out, read_only=True).active.max_row - 1
        assert rows == count, rows
        print(f"frdo_{count}_s={seconds:.1f}")
        print(f"frdo_{count}_peak_mb={peak_mb:.0f}")
        print(f"frdo_{count}_file_mb={out.stat().st_size / 1e6:.1f}")
        return 0 if seconds < TARGET_S and peak_mb < TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
