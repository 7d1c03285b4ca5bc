"""`manage.py export_frdo --template dpo|po --year YYYY [--group CODE] [--all] OUT.xlsx`"""

import shutil
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zachetka.documents import frdo
from zachetka.programs.models import Group


class Command(BaseCommand):
    help = (
        "Выгрузить выданные документы в книгу XLSX по шаблону ФИС ФРДО. Каждая строка проверяется; "
        "при любой ошибке файл не создаётся и выводится отчёт. По умолчанию — только документы, "
        "ещё не выгруженные или изменённые после выгрузки."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="путь к создаваемому файлу .xlsx")
        parser.add_argument("--template", required=True, choices=frdo.TEMPLATES)
        parser.add_argument("--year", required=True, type=int, help="год выдачи документов")
        parser.add_argument("--group", help="код группы, например ПК-2025-01")
        parser.add_argument(
            "--all", action="store_true", help="все документы года, а не только новые и изменённые"
        )

    def handle(self, *args: object, **options: object) -> None:
        group = None
        if options["group"]:
            group = Group.objects.filter(code=options["group"]).first()
            if group is None:
                raise CommandError(f"Группа {options['group']} не найдена.")
        try:
            record = frdo.export(
                by=None,
                template_key=options["template"],
                year=options["year"],
                group=group,
                only_new=not options["all"],
            )
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        out = Path(options["out"])
        with record.file.open("rb") as source, out.open("wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(
            f"Выгружено документов: {record.rows}. Файл: {out} (SHA-256 {record.sha256}, шаблон "
            f"{record.template} {record.template_version})."
        )
