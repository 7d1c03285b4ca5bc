"""Make PostgreSQL refuse to change who sat on a signed or annulled protocol, and who signed it.

Rows of `attestation_protocolmember` are inserted, updated and deleted only while their protocol
is a draft, like its results (0003). SQLite's trigger is built from attestation.guards after
every migrate.
"""

from django.db import migrations

MESSAGE = (
    "attestation_protocolmember: the attendance and signatures of a signed or annulled protocol are immutable"
)

POSTGRES_CREATE = f"""
CREATE OR REPLACE FUNCTION attestation_member_guard() RETURNS trigger AS $$
DECLARE
    protocol_status text;
BEGIN
    SELECT status INTO protocol_status FROM attestation_protocol
        WHERE id = CASE WHEN TG_OP = 'INSERT' THEN NEW.protocol_id ELSE OLD.protocol_id END;
    IF protocol_status <> 'draft'
       OR (TG_OP = 'UPDATE' AND NEW.protocol_id IS DISTINCT FROM OLD.protocol_id) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS attestation_member_guard ON attestation_protocolmember;
CREATE TRIGGER attestation_member_guard
    BEFORE INSERT OR UPDATE OR DELETE ON attestation_protocolmember
    FOR EACH ROW EXECUTE FUNCTION attestation_member_guard();
"""

POSTGRES_DROP = """
DROP TRIGGER IF EXISTS attestation_member_guard ON attestation_protocolmember;
DROP FUNCTION IF EXISTS attestation_member_guard();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("attestation", "0006_fill_protocol_members")]

    operations = [migrations.RunPython(create, drop)]
