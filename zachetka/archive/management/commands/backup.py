from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zachetka.archive import backup, services


class Command(BaseCommand):
    help = (
        "Write a backup archive (regulation п. 7.1, сохранность): a consistent snapshot of the database "
        "(SQLite online backup or pg_dump) and every stored file, with a manifest of SHA-256 sums. "
        "Run nightly from cron; check archives with verify_backup, bring one back with restore."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="the archive to write (a new .tar.gz file)")

    def handle(self, *args: object, **options: object) -> None:
        try:
            created = backup.create(Path(str(options["out"])))
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        # Registered (after the snapshot), so copies holding data destroyed later are listed.
        services.record_backup(
            path=str(created.path.resolve()),
            created_at=timezone.now(),
            size=created.bytes,
            sha256=created.sha256,
        )
        self.stdout.write(
            f"Резервная копия записана: {created.path} — файлов {created.files}, {created.bytes} байт, "
            f"SHA-256 {created.sha256}."
        )
