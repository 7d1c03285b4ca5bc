"""A blank of strict accountability is used once and written off once, and the register's
receipts and write-off acts never change: on PostgreSQL a trigger compares a blank's whole row
but its lifecycle columns (so columns added later are frozen too), holds its state to moving
forward, and refuses DELETE; receipts and acts refuse UPDATE and DELETE. On SQLite core.guards
builds the same guards after every migrate (blanks.guards and the models' DB_WRITES)."""

from django.db import migrations

LIFECYCLE = ("state", "document_id", "used_at", "write_off_id")
MESSAGE = "blanks_blank: a blank is used once and written off once; its state only moves forward"
# Kept here rather than imported: a migration must not change when the app's code does.
FORBIDDEN = """
    (NEW.state <> OLD.state AND NOT (
        (OLD.state = 'in_stock' AND NEW.state IN ('used', 'spoiled'))
        OR (OLD.state = 'used' AND NEW.state = 'spoiled')))
    OR (OLD.document_id IS NOT NULL AND NEW.document_id IS DISTINCT FROM OLD.document_id)
    OR (OLD.write_off_id IS NOT NULL AND NEW.write_off_id IS DISTINCT FROM OLD.write_off_id)
    OR (OLD.used_at IS NOT NULL AND NEW.used_at IS DISTINCT FROM OLD.used_at)
"""
APPEND_ONLY = ("blanks_blankreceipt", "blanks_writeoffact")


def _postgres() -> str:
    keep = ", ".join(f"'{c}'" for c in LIFECYCLE)
    statements = [
        f"""
CREATE OR REPLACE FUNCTION blanks_blank_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'blanks_blank: blanks are never deleted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (to_jsonb(NEW) - ARRAY[{keep}]) IS DISTINCT FROM (to_jsonb(OLD) - ARRAY[{keep}]) OR {FORBIDDEN} THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS blanks_blank_guard ON blanks_blank;
CREATE TRIGGER blanks_blank_guard
    BEFORE UPDATE OR DELETE ON blanks_blank
    FOR EACH ROW EXECUTE FUNCTION blanks_blank_guard();
"""
    ]
    for table in APPEND_ONLY:
        statements.append(
            f"""
CREATE OR REPLACE FUNCTION {table}_guard() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {table}_guard ON {table};
CREATE TRIGGER {table}_guard BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_guard();
"""
        )
    return "\n".join(statements)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_postgres(), params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in ("blanks_blank", *APPEND_ONLY):
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {table}_guard ON {table}; DROP FUNCTION IF EXISTS {table}_guard();",
                params=None,
            )


class Migration(migrations.Migration):
    dependencies = [("blanks", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
