"""Benchmark: import 10,000 learners from an XLSX file the way `manage.py import_learners` does.

Run from the repository root:

    .venv/bin/python bench/import_learners.py

By default it migrates a fresh SQLite database in a temporary directory and deletes it
afterwards. To measure PostgreSQL, set DATABASE_URL=postgres://... to an EMPTY scratch database
(it is migrated and then filled with 10,000 learners, an acting user and their audit events; it
is not cleaned up). The script refuses a database that already holds learners.

It prints the time of each phase (parse, plan, write) and, as the very last line,
`import_10000_s=<seconds>`; it exits 1 if the import took 10 seconds or more, the target being
under 10 s.
"""

import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ROWS = 10_000
TARGET_SECONDS = 10.0
REPO_ROOT = Path(__file__).resolve().parent.parent
HEADER = (
    "Фамилия", "Имя", "Отчество", "Дата рождения", "Пол",
    "СНИЛС", "Email", "Телефон", "Гражданство",
)  # fmt: skip
# (male, female) forms, so every row is a name a registry office could type.
SURNAMES = (
    ("Иванов", "Иванова"), ("Смирнов", "Смирнова"), ("Кузнецов", "Кузнецова"),
    ("Соколов", "Соколова"), ("Лебедев", "Лебедева"), ("Новиков", "Новикова"),
    ("Морозов", "Морозова"), ("Волков", "Волкова"), ("Фёдоров", "Фёдорова"),
    ("Покровский", "Покровская"), ("Белых", "Белых"), ("Шевчук", "Шевчук"),
)  # fmt: skip
FIRST_NAMES = (
    ("Александр", "Анна"), ("Дмитрий", "Елена"), ("Сергей", "Ольга"), ("Андрей", "Наталья"),
    ("Игорь", "Татьяна"), ("Михаил", "Мария"), ("Юрий", "Ирина"), ("Павел", "Светлана"),
)  # fmt: skip
PATRONYMICS = (
    ("Иванович", "Ивановна"), ("Петрович", "Петровна"), ("Сергеевич", "Сергеевна"),
    ("Николаевич", "Николаевна"), ("Юрьевич", "Юрьевна"), ("Олегович", "Олеговна"),
)  # fmt: skip


def configure_django(scratch_dir: str) -> None:
    """Set up Django before any model import; settings read DATABASE_URL once, at import."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_dev")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    # Only a database the caller names explicitly is used as is; otherwise a throwaway file.
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(scratch_dir) / 'bench.sqlite3'}")
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    import django

    django.setup()
    from django.conf import settings

    # Production runs without DEBUG, which would log every query's values: measure it so.
    settings.DEBUG = False


def write_xlsx(path: Path, rows: int, rng: random.Random) -> None:
    """Write `rows` valid learners, every cell as text the way offices fill such sheets."""
    from openpyxl import Workbook

    from zachetka.core import snils

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Слушатели")
    sheet.append(HEADER)
    used: set[str] = set()
    first_day, span = dt.date(1960, 1, 1), (dt.date(2005, 12, 31) - dt.date(1960, 1, 1)).days
    for index in range(rows):
        female = rng.random() < 0.6
        form = 1 if female else 0
        while True:  # numbers up to 001-001-998 carry no checksum; stay above them
            first_nine = f"{rng.randrange(2_000_000, 1_000_000_000):09d}"
            if first_nine not in used:
                used.add(first_nine)
                break
        number = snils.format_snils(snils.with_checksum(first_nine))
        birth = first_day + dt.timedelta(days=rng.randrange(span + 1))
        r = rng.randrange
        phone = f"+7 9{r(100):02d} {r(1000):03d}-{r(100):02d}-{r(100):02d}"
        sheet.append((
            rng.choice(SURNAMES)[form], rng.choice(FIRST_NAMES)[form],
            rng.choice(PATRONYMICS)[form], birth.strftime("%d.%m.%Y"), "Ж" if female else "М",
            number, f"learner{index:05d}@example.ru", phone, "643",
        ))  # fmt: skip
    workbook.save(path)


def acting_user() -> "User":
    """The registrar the import is recorded against, as the command would use."""
    from django.contrib.auth.models import Group, User

    from zachetka.core import roles

    user = User.objects.create_user("bench-registrar", first_name="Бенчмарк", last_name="Импорта")
    user.groups.add(Group.objects.get(name=roles.STAFF))
    return user


def run(scratch_dir: str) -> float:
    configure_django(scratch_dir)
    from django.core.management import call_command
    from django.db import connection

    from zachetka.core import audit
    from zachetka.people import importing
    from zachetka.people.models import Learner
    from zachetka.programs import services

    call_command("migrate", verbosity=0)
    if Learner.objects.exists():
        sys.exit("The database already holds learners: use an empty scratch database.")
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    user = acting_user()
    path = Path(scratch_dir) / "learners.xlsx"
    started = time.perf_counter()
    write_xlsx(path, ROWS, random.Random(ROWS))
    size_kib = path.stat().st_size // 1024
    print(f"generate_xlsx_s={time.perf_counter() - started:.2f} ({ROWS} rows, {size_kib} KiB)")

    # Timed exactly as the import_learners management command does it, from the file's bytes on.
    start = time.perf_counter()
    content = path.read_bytes()
    parsed = importing.parse_learners_file(path.name, content)
    assert not parsed.errors, [str(error) for error in parsed.errors[:10]]
    parsed_at = time.perf_counter()
    planned = importing.plan_import(parsed)
    planned_at = time.perf_counter()
    outcome = services.import_learners(by=user, planned=planned, source=path.name, group=None)
    written_at = time.perf_counter()
    total = written_at - start

    print(f"parse_s={parsed_at - start:.2f}")
    print(f"plan_s={planned_at - parsed_at:.2f}")
    print(f"write_s={written_at - planned_at:.2f}")
    assert len(outcome.learners.created) == ROWS, len(outcome.learners.created)
    count = Learner.objects.count()
    assert count == ROWS, f"{count} learners in the database, expected {ROWS}"
    problems = list(audit.verify_chain())
    assert not problems, problems
    print(f"learners={count} audit_chain=intact")
    connection.close()  # release the SQLite file before its directory is removed
    return total


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="zachetka-bench-", ignore_cleanup_errors=True) as tmp:
        total = run(tmp)
    if total >= TARGET_SECONDS:
        print(f"Too slow: the target is under {TARGET_SECONDS:.0f} s.", file=sys.stderr)
    print(f"import_{ROWS}_s={total:.2f}")
    return 0 if total < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
