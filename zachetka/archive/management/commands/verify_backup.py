from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zachetka.archive import backup


class Command(BaseCommand):
    help = (
        "Check a backup archive: every member against the manifest's SHA-256 sums, and the audit "
        "chain inside it (loaded into a scratch database) with this installation's audit keys. "
        "Exits 1 naming what is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the archive written by manage.py backup")

    def handle(self, *args: object, **options: object) -> None:
        problems = backup.verify(Path(str(options["archive"])))
        if problems:
            raise CommandError("Резервная копия повреждена:\n- " + "\n- ".join(problems))
        self.stdout.write("Резервная копия цела: суммы сходятся, журнал аудита в ней проверен.")
