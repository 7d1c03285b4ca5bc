from pathlib import Path

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from zachetka.core import dates, roles
from zachetka.people import importing
from zachetka.programs import services
from zachetka.programs.models import Group

PROGRESS_FROM_ROWS = 1000


class Command(BaseCommand):
    help = (
        "Import learners from an XLSX or CSV file (header: Фамилия, Имя, Отчество, Дата рождения, "
        "Пол, СНИЛС, Email, Телефон, Гражданство). All or nothing: any bad row rejects the file "
        "with a report naming each row and column, and the command exits 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--group", help="code of a group to enrol the learners in")
        parser.add_argument("--order-number", default="", help="admission order number (with --group)")
        parser.add_argument(
            "--order-date", default="", help="admission order date, ДД.ММ.ГГГГ (with --group)"
        )
        parser.add_argument(
            "--as-user",
            default="",
            help="user name recorded as the actor (default: first active administrator)",
        )

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Файл не найден: {path}")
        group = None
        if options["group"]:
            group = Group.objects.filter(code=options["group"]).first()
            if group is None:
                raise CommandError(f"Группа с шифром «{options['group']}» не найдена.")
        order_number = str(options["order_number"]).strip()
        order_date = None
        if options["order_date"]:
            try:
                order_date = dates.parse_date(options["order_date"])
            except dates.DateParseError as error:
                raise CommandError(f"Дата приказа о зачислении: {error}.") from error
        actor = self._actor(str(options["as_user"]))
        content = path.read_bytes()
        progress = tqdm(
            desc="Проверка строк",
            unit=" стр.",
            disable=len(content) < PROGRESS_FROM_ROWS * 60,
            file=self.stderr,
        )
        try:
            parsed = importing.parse_learners_file(path.name, content, on_row=lambda _: progress.update())
        except importing.ImportFileError as error:
            raise CommandError(str(error)) from error
        finally:
            progress.close()
        if parsed.errors:
            for error in parsed.errors:
                self.stderr.write(str(error))
            rows = len({error.row for error in parsed.errors})
            raise CommandError(
                f"Файл не загружен: ошибок — {len(parsed.errors)}, строк с ошибками — {rows}. "
                "Ничего не записано."
            )
        planned = importing.plan_import(parsed)
        try:
            outcome = services.import_learners(
                by=actor,
                planned=planned,
                source=path.name,
                group=group,
                admission_order_number=order_number,
                admission_order_date=order_date,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        summary = (
            f"Импорт завершён: добавлено {len(outcome.learners.created)}, "
            f"обновлено {len(outcome.learners.updated)}, без изменений {len(outcome.learners.unchanged)}."
        )
        if group:
            summary += (
                f" Зачислено в группу {group.code}: {outcome.enrolled} "
                f"(уже были зачислены: {outcome.already_enrolled})."
            )
        self.stdout.write(summary)

    def _actor(self, username: str) -> User | None:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"Пользователь «{username}» не найден или отключён.")
            return user
        return (
            User.objects.filter(is_active=True, groups__name__in=[roles.ADMINISTRATION, roles.STAFF])
            .order_by("pk")
            .first()
        )
