"""Consents are never edited in place and disclosures never change: on PostgreSQL a trigger
compares each guarded row whole but for its lifecycle columns (so columns added later are frozen
too), lets those columns be set once only, and refuses DELETE. A consent's lifecycle is its
signed scan; a withdrawal's, the closing of its 30-day task; a disclosure has none. On SQLite
core.guards builds the same guards after every migrate (privacy.guards and DB_WRITES)."""

from django.db import migrations

# Kept here rather than imported: a migration must not change when the app's code does.
GUARDED = {
    "privacy_consent": ("signed_on", "scan", "scan_sha256", "scan_attached_by_id"),
    "privacy_withdrawal": ("closed_at", "closed_by_id", "close_note"),
    "privacy_disclosure": (),
}

FUNCTION = """
CREATE OR REPLACE FUNCTION privacy_guard() RETURNS trigger AS $$
DECLARE
    column_name text;
    old_row jsonb;
    new_row jsonb;
    keep text[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '%: rows are never deleted', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    keep := COALESCE(TG_ARGV, ARRAY[]::text[]);
    old_row := to_jsonb(OLD);
    new_row := to_jsonb(NEW);
    IF (new_row - keep) IS DISTINCT FROM (old_row - keep) THEN
        RAISE EXCEPTION '%: only its lifecycle columns change (append-only)', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    FOREACH column_name IN ARRAY keep LOOP
        IF old_row ->> column_name IS NOT NULL AND old_row ->> column_name <> ''
           AND (new_row -> column_name) IS DISTINCT FROM (old_row -> column_name) THEN
            RAISE EXCEPTION '%: % is set once', TG_TABLE_NAME, column_name
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table, columns in GUARDED.items():
        arguments = ", ".join(f"'{column}'" for column in columns)
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {table}_guard ON {table}; "
            f"CREATE TRIGGER {table}_guard BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION privacy_guard({arguments});",
            params=None,
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in GUARDED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_guard ON {table};", params=None)
    schema_editor.execute("DROP FUNCTION IF EXISTS privacy_guard();", params=None)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_consents_and_disclosures")]

    operations = [migrations.RunPython(create, drop)]
