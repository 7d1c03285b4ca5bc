import getpass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zachetka.api import selectors, services


def _operator() -> str:
    """Who runs the command on the server, for the audit trail (the command has no site user)."""
    try:
        return f"{getpass.getuser()} (manage.py)"
    except (KeyError, OSError):
        return "manage.py"


def _when(value: object) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else "—"


class Command(BaseCommand):
    help = (
        "Issue an API token for an integration (an LMS, HR or accounting system): "
        "`create_api_token NAME --as LOGIN` prints the token once; it acts with LOGIN's roles and "
        "scope. `--revoke NAME` revokes a token at once; `--list` lists tokens with their last use."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="the integration's name, e.g. «Moodle»")
        parser.add_argument("--as", dest="login", help="the user the token acts as")
        parser.add_argument("--revoke", metavar="NAME", help="revoke the token of this name")
        parser.add_argument("--list", action="store_true", help="list tokens")

    def handle(self, *args: object, **options: object) -> None:
        try:
            if options["list"]:
                self._list()
            elif options["revoke"]:
                token = services.revoke_token(name=str(options["revoke"]), revoked_by=_operator())
                self.stdout.write(f"Токен «{token.name}» отозван.")
            elif options["name"] and options["login"]:
                self._create(str(options["name"]), str(options["login"]))
            else:
                raise CommandError("Укажите NAME --as LOGIN, --revoke NAME или --list.")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

    def _create(self, name: str, login: str) -> None:
        user = User.objects.filter(username=login).first()
        if user is None:
            raise CommandError(f"Пользователя «{login}» нет.")
        token, text = services.create_token(name=name, user=user, created_by=_operator())
        self.stdout.write(f"Токен «{token.name}» действует от имени {login}. Он показан один раз:")
        self.stdout.write(text)

    def _list(self) -> None:
        for token in selectors.tokens():
            state = f"отозван {_when(token.revoked_at)}" if token.is_revoked else "действует"
            self.stdout.write(
                f"{token.name}\t{token.user.get_username()}\t{state}\t"
                f"выпущен {_when(token.created_at)}\tпоследнее использование {_when(token.last_used_at)}"
            )
