"""The application's own PostgreSQL role: what it may do to each table, as SQL.

Migrations run as the owner of the tables; the application connects as a role that owns nothing,
so it cannot change the schema, disable or replace a trigger, or TRUNCATE. Each model says what
the application may do to its rows beyond reading and inserting (`DB_WRITES`, default: update and
delete): append-only records (the audit trail, grade history) are insert-only, legal records
(issued documents, card versions) may change only in the columns their lifecycle needs. The
database triggers of each app guard the values within those columns.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import connection


@dataclass(frozen=True)
class Writes:
    """What the application's role may do to a table's rows besides SELECT and INSERT."""

    update: bool | tuple[str, ...] = True  # True: any column; a tuple: these fields only
    delete: bool = True


APPEND_ONLY = Writes(update=(), delete=False)
NEVER_DELETED = Writes(update=True, delete=False)


def updates_only(*fields: str) -> Writes:
    return Writes(update=fields, delete=False)


@dataclass(frozen=True)
class TableGrant:
    table: str
    update_columns: tuple[str, ...] | None  # None: the whole row
    may_update: bool
    may_delete: bool


def table_grants() -> list[TableGrant]:
    """Every table of the project's database and what the application role may do to it."""
    grants = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        writes: Writes = getattr(model, "DB_WRITES", Writes())
        if writes.update is True:
            columns, may_update = None, True
        else:
            columns = tuple(model._meta.get_field(name).column for name in writes.update)
            may_update = bool(columns)
        grants.append(TableGrant(model._meta.db_table, columns, may_update, writes.delete))
    return sorted(grants, key=lambda grant: grant.table)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def grant_statements(role: str) -> Iterator[str]:
    """The SQL that gives `role` exactly the application's rights (idempotent; run as owner)."""
    role_q = _q(role)
    database = _q(connection.settings_dict["NAME"])
    yield (
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
        f"{_literal(role)}) THEN CREATE ROLE {role_q} LOGIN; END IF; END $$"
    )
    yield f"ALTER ROLE {role_q} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    # Temporary tables would let the role shadow a table for its own session: none are needed.
    yield f"REVOKE CREATE, TEMPORARY ON DATABASE {database} FROM PUBLIC, {role_q}"
    yield f"GRANT CONNECT ON DATABASE {database} TO {role_q}"
    yield "REVOKE CREATE ON SCHEMA public FROM PUBLIC"
    yield f"REVOKE ALL ON SCHEMA public FROM {role_q}"
    yield f"GRANT USAGE ON SCHEMA public TO {role_q}"
    yield f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role_q}"
    for grant in table_grants():
        table = _q(grant.table)
        rights = ["SELECT", "INSERT"]
        if grant.may_update and grant.update_columns is None:
            rights.append("UPDATE")
        if grant.may_delete:
            rights.append("DELETE")
        yield f"GRANT {', '.join(rights)} ON {table} TO {role_q}"
        if grant.may_update and grant.update_columns:
            columns = ", ".join(_q(column) for column in grant.update_columns)
            yield f"GRANT UPDATE ({columns}) ON {table} TO {role_q}"
    yield f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role_q}"


def password_statement(role: str, password: str) -> str:
    return f"ALTER ROLE {_q(role)} PASSWORD {_literal(password)}"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def problems(role: str) -> list[str]:
    """How the role's actual rights differ from what it should have (empty when they agree)."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = %s",
            [role],
        )
        row = cursor.fetchone()
        if row is None:
            return [f"роли {role} нет"]
        if any(row):
            found.append(f"роль {role} — суперпользователь или может создавать роли и базы")
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = %s",
            [role],
        )
        found += [f"роль {role} владеет таблицей {name}" for (name,) in cursor.fetchall()]
        cursor.execute("SELECT has_schema_privilege(%s, 'public', 'CREATE')", [role])
        if cursor.fetchone()[0]:
            found.append(f"роль {role} может создавать объекты в схеме public")
        cursor.execute(
            "SELECT has_database_privilege(%s, current_database(), 'CREATE'), "
            "has_database_privilege(%s, current_database(), 'TEMPORARY')",
            [role, role],
        )
        if any(cursor.fetchone()):
            found.append(f"роль {role} может создавать схемы или временные таблицы")
        for grant in table_grants():
            expected = {
                "SELECT": True,
                "INSERT": True,
                "UPDATE": grant.may_update and grant.update_columns is None,
                "DELETE": grant.may_delete,
                "TRUNCATE": False,
                "TRIGGER": False,
                "REFERENCES": False,
            }
            for privilege, wanted in expected.items():
                cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role, grant.table, privilege])
                if cursor.fetchone()[0] != wanted:
                    verb = "не имеет права" if wanted else "имеет право"
                    found.append(f"роль {role} {verb} {privilege} на {grant.table}")
            for column in grant.update_columns or ():
                cursor.execute(
                    "SELECT has_column_privilege(%s, %s, %s, 'UPDATE')", [role, grant.table, column]
                )
                if not cursor.fetchone()[0]:
                    found.append(f"роль {role} не может изменять {grant.table}.{column}")
    return found
