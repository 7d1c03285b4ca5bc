from django.core.management.base import BaseCommand

from zachetka.jobs import services


class Command(BaseCommand):
    help = (
        "Deletes background jobs and their files older than ZACHETKA_JOBS_KEEP_DAYS and marks jobs "
        "whose worker stopped reporting as failed (the queue consumer also does this every 10 minutes)."
    )

    def handle(self, *args: object, **options: object) -> None:
        deleted, cut_off = services.clean()
        self.stdout.write(f"deleted={deleted} cut_off={cut_off}")
