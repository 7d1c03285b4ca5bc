"""A verification check never changes but for its visitor's IP address, which may only be erased
(manage.py erase_verification_ips, after ZACHETKA_VERIFICATION_IP_DAYS); checks are never
deleted. On PostgreSQL a trigger compares the whole row but the address (so columns added later
are frozen too); on SQLite core.guards builds the same guard (DB_WRITES and documents.guards)."""

from django.db import migrations

TABLE = "documents_verificationcheck"
CREATE = f"""
CREATE OR REPLACE FUNCTION {TABLE}_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '{TABLE}: checks are never deleted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (to_jsonb(NEW) - 'ip_address') IS DISTINCT FROM (to_jsonb(OLD) - 'ip_address')
        OR (NEW.ip_address IS DISTINCT FROM OLD.ip_address AND NEW.ip_address <> '') THEN
        RAISE EXCEPTION '{TABLE}: the IP address of a check may only be erased'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {TABLE}_guard ON {TABLE};
CREATE TRIGGER {TABLE}_guard BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_guard();
"""
DROP = f"DROP TRIGGER IF EXISTS {TABLE}_guard ON {TABLE}; DROP FUNCTION IF EXISTS {TABLE}_guard();"


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("documents", "0007_frdo_submission_voided_state")]

    operations = [migrations.RunPython(_on_postgres(CREATE), _on_postgres(DROP))]
