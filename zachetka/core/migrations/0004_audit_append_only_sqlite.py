"""On SQLite too, the audit table refuses UPDATE (DELETE stays open for the test suite's flush;
the chain and its head detect a deletion). PostgreSQL has refused both since 0002."""

from django.db import migrations

SQLITE = """CREATE TRIGGER IF NOT EXISTS core_auditevent_append_only
    BEFORE UPDATE ON core_auditevent
    BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only: UPDATE refused'); END"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_append_only", params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_keyed_audit_chain_and_submission_keys")]

    operations = [migrations.RunPython(create, drop)]
