import os

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from zachetka.core import dbroles


class Command(BaseCommand):
    help = (
        "Print (or apply, with --apply) the SQL that gives the application's PostgreSQL role exactly "
        "what it needs: no DDL, TRUNCATE or trigger changes; SELECT and INSERT only on append-only "
        "tables (audit trail, grade history), UPDATE of lifecycle columns only on legal records "
        "(regulation п. 7.1). Run it as the owner of the tables after every migrate. --check "
        "compares the role's actual rights with these and exits 1 on any difference."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", default="zachetka_app", help="the role the application connects as")
        parser.add_argument(
            "--password-env",
            metavar="VARIABLE",
            help="set the role's password from this environment variable (never from the command line)",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--apply", action="store_true", help="run the SQL instead of printing it")
        mode.add_argument("--check", action="store_true", help="compare the role's rights with the SQL")

    def handle(self, *args: object, **options: object) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Роли базы данных настраиваются только для PostgreSQL (DATABASE_URL).")
        role = str(options["role"])
        if role == connection.settings_dict["USER"]:
            raise CommandError(
                f"Роль {role} — та, от имени которой выполняется команда (владелец таблиц): "
                "приложению нужна отдельная роль."
            )
        if options["check"]:
            found = dbroles.problems(role)
            if found:
                raise CommandError("Права роли не совпадают с нужными:\n- " + "\n- ".join(found))
            self.stdout.write(f"Права роли {role} совпадают с нужными.")
            return
        statements = list(dbroles.grant_statements(role))
        password = None
        if options["password_env"]:
            password = os.environ.get(str(options["password_env"]))
            if not password:
                raise CommandError(f"Переменная окружения {options['password_env']} пуста.")
        if not options["apply"]:
            for statement in statements:
                self.stdout.write(f"{statement};")
            if password:
                self.stdout.write(dbroles.password_statement(role, "***") + ";")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            if password:
                cursor.execute(dbroles.password_statement(role, password))
        self.stdout.write(f"Права роли {role} установлены: таблиц — {len(dbroles.table_grants())}.")
