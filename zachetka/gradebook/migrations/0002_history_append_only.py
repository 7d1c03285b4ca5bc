"""The history of grades is append-only: on PostgreSQL the database refuses UPDATE and DELETE
(on SQLite core.guards refuses UPDATE after every migrate, from GradeChange.DB_WRITES)."""

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


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS gradebook_gradechange_guard ON gradebook_gradechange; "
            "DROP FUNCTION IF EXISTS gradebook_gradechange_guard();",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [("gradebook", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
