"""On PostgreSQL, make the access log refuse UPDATE and DELETE at the database level (as the
audit trail does). On SQLite core.guards builds the UPDATE guard from AccessRecord.DB_WRITES."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accesslog_accessrecord_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'accesslog_accessrecord is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS accesslog_accessrecord_append_only ON accesslog_accessrecord;
CREATE TRIGGER accesslog_accessrecord_append_only
    BEFORE UPDATE OR DELETE ON accesslog_accessrecord
    FOR EACH ROW EXECUTE FUNCTION accesslog_accessrecord_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS accesslog_accessrecord_append_only ON accesslog_accessrecord;
DROP FUNCTION IF EXISTS accesslog_accessrecord_refuse_change();
"""


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0001_initial")]

    operations = [migrations.RunPython(_on_postgres(CREATE), _on_postgres(DROP))]
