from django.core.management.base import BaseCommand

from zachetka.archive import services


class Command(BaseCommand):
    help = (
        "Erase destruction acts' PDFs, log extracts and the names they list once they have been kept "
        "ZACHETKA_DESTRUCTION_RECORDS_YEARS (3) years after the destruction (Приказ РКН № 179, п. 8). "
        "Idempotent; run daily from cron."
    )

    def handle(self, *args: object, **options: object) -> None:
        erased = services.erase_old_act_records()
        self.stdout.write(f"Удалено записей об уничтожении с истёкшим сроком хранения: {erased}.")
