from django.core.management.base import BaseCommand, CommandError

from zachetka.core import audit
from zachetka.core.models import AuditChainHead


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain (regulation п. 7.1: достоверность, сохранность). "
        "Exits 0 when intact; otherwise names the first altered, deleted or inserted event and exits 1."
    )

    def handle(self, *args, **options) -> None:
        for problem in audit.verify_chain():
            raise CommandError(f"Журнал аудита повреждён: {problem.message}.")
        head = AuditChainHead.objects.filter(id=1).first()
        count = head.last_seq if head else 0
        self.stdout.write(f"Журнал аудита цел: проверено событий — {count}.")
