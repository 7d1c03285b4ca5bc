"""The history of grades is append-only: the database refuses UPDATE (and, on PostgreSQL,
DELETE; SQLite keeps DELETE open for the test suite's flush)."""

from django.db import migrations

MESSAGE = "gradebook_gradechange: grade history is append-only"

POSTGRES = f"""
CREATE OR REPLACE FUNCTION gradebook_gradechange_guard() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS gradebook_gradechange_guard ON gradebook_gradechange;
CREATE TRIGGER gradebook_gradechange_guard
    BEFORE UPDATE OR DELETE ON gradebook_gradechange
    FOR EACH ROW EXECUTE FUNCTION gradebook_gradechange_guard();
"""
SQLITE = f"""CREATE TRIGGER IF NOT EXISTS gradebook_gradechange_guard
    BEFORE UPDATE ON gradebook_gradechange
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE, params=None)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS gradebook_gradechange_guard ON gradebook_gradechange; "
            "DROP FUNCTION IF EXISTS gradebook_gradechange_guard();",
            params=None,
        )
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS gradebook_gradechange_guard", params=None)


class Migration(migrations.Migration):
    dependencies = [("gradebook", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
