from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zachetka.core import anchors, audit
from zachetka.core.models import AuditChainHead


class Command(BaseCommand):
    help = (
        "Check the audit trail (regulation п. 7.1: достоверность, сохранность): its keyed hash chain, "
        "its head, and the anchors kept outside the database (ZACHETKA_AUDIT_ANCHOR_DIR and any "
        "--anchors files or directories). Exits 0 when intact; otherwise names every problem found "
        "(an altered, deleted or inserted event, a forged head or anchor, a rewritten or shortened "
        "trail) and exits 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchors", nargs="*", default=[], metavar="PATH", help="anchor files or directories"
        )

    def handle(self, *args: object, **options: object) -> None:
        paths = [*anchors.configured_paths(), *(Path(p) for p in options["anchors"])]
        try:
            found, problems = anchors.load_anchors(paths)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        problems += [problem.message for problem in audit.verify_chain(anchors=found)]
        if problems:
            raise CommandError("Журнал аудита повреждён:\n- " + "\n- ".join(problems))
        head = AuditChainHead.objects.filter(id=1).first()
        count = head.last_seq if head else 0
        if found:
            newest = max(found, key=lambda anchor: anchor.seq)
            pinned = (
                f"сверено с привязками — {len(found)} (последняя: событие №{newest.seq} "
                f"от {timezone.localtime(newest.at):%d.%m.%Y %H:%M})"
            )
        else:
            pinned = "привязок вне базы нет (manage.py audit_anchor, README)"
        self.stdout.write(f"Журнал аудита цел: проверено событий — {count}; {pinned}.")
