from django.conf import settings
from django.core.management.base import BaseCommand

from zachetka.web import importing as staging


class Command(BaseCommand):
    help = (
        "Delete learner import files left unconfirmed for longer than ZACHETKA_IMPORT_STAGING_HOURS. "
        "They are lists of people, kept no longer than their purpose needs (152-ФЗ, ст. 5 ч. 7). "
        "Safe to run at any time; run it daily from cron."
    )

    def handle(self, *args: object, **options: object) -> None:
        deleted = staging.sweep()
        self.stdout.write(f"Удалено файлов импорта старше {settings.IMPORT_STAGING_HOURS} ч: {deleted}.")
