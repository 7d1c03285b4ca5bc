"""Make the database itself refuse to change a signed or annulled protocol and its results.

The services already refuse; this closes the other paths (a shell, a script, a future bug). A
signed protocol may only become annulled (status, annulment fields and version change, nothing
else); an annulled one never changes; results change only while their protocol is a draft.

On PostgreSQL deleting them is refused too. SQLite keeps DELETE open because Django's test
flush empties tables with DELETE (PostgreSQL's flush uses TRUNCATE, which fires no row trigger).
"""

from django.db import migrations

# Columns a signed protocol keeps for ever; annulment may only touch the others.
FROZEN = (
    "kind",
    "number",
    "held_on",
    "group_id",
    "module_id",
    "attempt",
    "final_form",
    "commission_id",
    "examiner_id",
    "scale_id",
    "replaces_id",
    "chair_signed_at",
    "secretary_signed_at",
    "examiner_signed_at",
    "signed_at",
    "created_by_id",
)

PROTOCOL_MESSAGE = "attestation_protocol: a signed protocol is immutable (annul it and issue a new one)"
RESULT_MESSAGE = "attestation_protocolresult: results of a signed or annulled protocol are immutable"


def _postgres_create() -> str:
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN)
    return f"""
CREATE OR REPLACE FUNCTION attestation_protocol_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION '{PROTOCOL_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'annulled'
       OR (OLD.status = 'signed' AND (NEW.status <> 'annulled' OR {changed})) THEN
        RAISE EXCEPTION '{PROTOCOL_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS attestation_protocol_guard ON attestation_protocol;
CREATE TRIGGER attestation_protocol_guard
    BEFORE UPDATE OR DELETE ON attestation_protocol
    FOR EACH ROW EXECUTE FUNCTION attestation_protocol_guard();

CREATE OR REPLACE FUNCTION attestation_result_guard() RETURNS trigger AS $$
DECLARE
    protocol_status text;
BEGIN
    SELECT status INTO protocol_status FROM attestation_protocol
        WHERE id = CASE WHEN TG_OP = 'INSERT' THEN NEW.protocol_id ELSE OLD.protocol_id END;
    IF protocol_status <> 'draft'
       OR (TG_OP = 'UPDATE' AND NEW.protocol_id IS DISTINCT FROM OLD.protocol_id) THEN
        RAISE EXCEPTION '{RESULT_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS attestation_result_guard ON attestation_protocolresult;
CREATE TRIGGER attestation_result_guard
    BEFORE INSERT OR UPDATE OR DELETE ON attestation_protocolresult
    FOR EACH ROW EXECUTE FUNCTION attestation_result_guard();
"""


POSTGRES_DROP = """
DROP TRIGGER IF EXISTS attestation_protocol_guard ON attestation_protocol;
DROP FUNCTION IF EXISTS attestation_protocol_guard();
DROP TRIGGER IF EXISTS attestation_result_guard ON attestation_protocolresult;
DROP FUNCTION IF EXISTS attestation_result_guard();
"""


def _sqlite_create() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)
    result_status = "(SELECT status FROM attestation_protocol WHERE id = {}.protocol_id)"
    return [
        f"""CREATE TRIGGER IF NOT EXISTS attestation_protocol_guard
        BEFORE UPDATE ON attestation_protocol
        WHEN OLD.status = 'annulled' OR (OLD.status = 'signed' AND (NEW.status <> 'annulled' OR {changed}))
        BEGIN SELECT RAISE(ABORT, '{PROTOCOL_MESSAGE}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS attestation_result_guard_update
        BEFORE UPDATE ON attestation_protocolresult
        WHEN {result_status.format("OLD")} <> 'draft' OR NEW.protocol_id IS NOT OLD.protocol_id
        BEGIN SELECT RAISE(ABORT, '{RESULT_MESSAGE}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS attestation_result_guard_insert
        BEFORE INSERT ON attestation_protocolresult
        WHEN {result_status.format("NEW")} <> 'draft'
        BEGIN SELECT RAISE(ABORT, '{RESULT_MESSAGE}'); END""",
    ]


SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS attestation_protocol_guard",
    "DROP TRIGGER IF EXISTS attestation_result_guard_update",
    "DROP TRIGGER IF EXISTS attestation_result_guard_insert",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_postgres_create(), params=None)
    elif vendor == "sqlite":
        for statement in _sqlite_create():
            schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("attestation", "0002_protocol_version")]

    operations = [migrations.RunPython(create, drop)]
