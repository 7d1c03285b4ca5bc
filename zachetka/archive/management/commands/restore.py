from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zachetka.archive import backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an EMPTY database and an empty media folder (refused "
        "otherwise); every SHA-256 sum is checked before anything is written. On PostgreSQL run it "
        "as the owner of the tables, then db_roles --apply."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the archive written by manage.py backup")

    def handle(self, *args: object, **options: object) -> None:
        try:
            manifest = backup.restore(Path(str(options["archive"])))
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        files = sum(1 for entry in manifest["files"] if entry["path"].startswith("media/"))
        self.stdout.write(
            f"Восстановлено из копии от {manifest['created_at']}: база данных и файлов {files}; "
            f"журнал аудита до события №{manifest['audit_head']['seq']}."
        )
