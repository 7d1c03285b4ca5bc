from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zachetka.core import anchors


class Command(BaseCommand):
    help = (
        "Anchor the audit trail outside the database (regulation п. 7.1: сохранность, достоверность): "
        "sign the chain's head (number, hash, time) with the Ed25519 key of "
        "ZACHETKA_AUDIT_ANCHOR_SIGNING_KEY_FILE and write it to ZACHETKA_AUDIT_ANCHOR_DIR and/or "
        "e-mail it to ZACHETKA_AUDIT_ANCHOR_EMAILS. Run daily from cron. "
        "--new-key PATH creates the key pair once and prints the public key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-key", metavar="PATH", help="create a new Ed25519 signing key in PATH")
        parser.add_argument("--to", metavar="DIR", help="write the anchor to DIR instead of the setting")

    def handle(self, *args: object, **options: object) -> None:
        try:
            if options["new_key"]:
                public = anchors.new_signing_key(Path(str(options["new_key"])))
                self.stdout.write(
                    f"Ключ подписи записан в {options['new_key']} (доступ только владельцу).\n"
                    f"Открытый ключ для проверки:\nZACHETKA_AUDIT_ANCHOR_PUBLIC_KEY={public}"
                )
                return
            directory = options["to"] or settings.AUDIT_ANCHOR_DIR
            recipients = settings.AUDIT_ANCHOR_EMAILS
            if not directory and not recipients:
                raise CommandError(
                    "Некуда записать привязку: задайте ZACHETKA_AUDIT_ANCHOR_DIR "
                    "или ZACHETKA_AUDIT_ANCHOR_EMAILS."
                )
            document = anchors.make_anchor()
            where = []
            if directory:
                where.append(str(anchors.write_anchor(document, Path(str(directory)))))
            if recipients:
                anchors.email_anchor(document, recipients)
                where.append(", ".join(recipients))
        except anchors.AnchorError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Журнал аудита закреплён на событии №{document['seq']}: {'; '.join(where)}.")
