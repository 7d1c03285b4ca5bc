from django.core.management.base import BaseCommand

from zachetka.documents import services


class Command(BaseCommand):
    help = (
        "Erase the IP addresses of public verification checks older than ZACHETKA_VERIFICATION_IP_DAYS "
        "(90) days, in one UPDATE: kept only as long as slowing down guesses needs them "
        "(152-ФЗ, ст. 5 ч. 7). Idempotent; run daily from cron."
    )

    def handle(self, *args: object, **options: object) -> None:
        erased = services.erase_verification_ips()
        self.stdout.write(f"Стёрто адресов IP в журнале проверок подлинности: {erased}.")
