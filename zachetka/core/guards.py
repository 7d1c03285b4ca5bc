"""Database guards on SQLite: triggers built from the models as they are, after every migrate.

On PostgreSQL the guards are created by migrations: a table is altered in place there, so its
triggers survive later migrations, and the guards of documents and card versions compare whole
rows, so columns added later are guarded too. SQLite alters a table by rebuilding it, which drops
the table's triggers, and a trigger that names another table stops that table's rebuild. So on
SQLite every trigger is dropped before migrating and all are built again afterwards:

- from each model's `DB_WRITES` (core.dbroles): an append-only table refuses any UPDATE; a table
  whose lifecycle allows some columns refuses a change to any other column;
- plus the rules of each app's `guards.sqlite_triggers()` (a signed protocol stays as signed, a
  document changes its state once, a card version's PDF is stored once).

DELETE stays open on SQLite: the test suite empties tables between tests with DELETE.
"""

from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import connections
from django.utils.module_loading import module_has_submodule


def _column_guards() -> list[str]:
    statements = []
    for model in apps.get_models():
        writes = getattr(model, "DB_WRITES", None)
        if writes is None or writes.update is True:
            continue
        table = model._meta.db_table
        open_columns = {model._meta.get_field(name).column for name in writes.update}
        frozen = [field.column for field in model._meta.concrete_fields if field.column not in open_columns]
        if open_columns:
            changed = " OR ".join(f'NEW."{column}" IS NOT OLD."{column}"' for column in frozen)
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_columns_guard BEFORE UPDATE ON {table} "
                f"WHEN {changed} BEGIN SELECT RAISE(ABORT, '{table}: only its lifecycle columns change'); END"
            )
        else:
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END"
            )
    return statements


def sqlite_statements() -> list[str]:
    """Every guard trigger of the project, for the models as they are now."""
    statements = _column_guards()
    for config in apps.get_app_configs():
        if config.name == __package__ or not module_has_submodule(config.module, "guards"):
            continue
        statements.extend(import_module(f"{config.name}.guards").sqlite_triggers())
    return statements


def drop_sqlite_guards(using: str = "default", **kwargs: Any) -> None:
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def install_sqlite_guards(using: str = "default", **kwargs: Any) -> None:
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in sqlite_statements():
            cursor.execute(statement)
