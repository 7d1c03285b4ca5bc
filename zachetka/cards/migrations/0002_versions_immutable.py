"""A card version never changes and is never deleted; its PDF is stored once, later.

PostgreSQL compares the whole row but the PDF columns (so columns added later are frozen too)
and refuses DELETE; on SQLite core.guards builds the same guard after every migrate.
"""

from django.db import migrations

PDF = ("pdf", "pdf_sha256", "pdf_rendered_at")
MESSAGE = "cards_cardversion: a card version never changes (its PDF is stored once)"


def _postgres() -> str:
    keep = ", ".join(f"'{c}'" for c in PDF)
    return f"""
CREATE OR REPLACE FUNCTION cards_cardversion_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       OR (to_jsonb(NEW) - ARRAY[{keep}]) IS DISTINCT FROM (to_jsonb(OLD) - ARRAY[{keep}])
       OR (OLD.pdf <> '' AND (NEW.pdf, NEW.pdf_sha256, NEW.pdf_rendered_at)
           IS DISTINCT FROM (OLD.pdf, OLD.pdf_sha256, OLD.pdf_rendered_at)) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS cards_cardversion_guard ON cards_cardversion;
CREATE TRIGGER cards_cardversion_guard
    BEFORE UPDATE OR DELETE ON cards_cardversion
    FOR EACH ROW EXECUTE FUNCTION cards_cardversion_guard();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_postgres(), params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS cards_cardversion_guard ON cards_cardversion; "
            "DROP FUNCTION IF EXISTS cards_cardversion_guard();",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [("cards", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
