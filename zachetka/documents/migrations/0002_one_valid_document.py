"""One valid document of a kind per enrolment, each document replaced at most once, and a guard
that lets an issued document change only as its lifecycle allows.

What a document says never changes; its state changes once, from valid, with a reason and a
time; its ФИС ФРДО reporting and version columns change as they are reported. On PostgreSQL the
guard compares the whole row but those columns (so columns added later are frozen too) and
refuses DELETE; on SQLite core.guards builds the same guard after every migrate.
Existing duplicates stop the migration with their registration numbers.
"""

from django.conf import settings
from django.db import migrations, models

LIFECYCLE = (
    "state",
    "state_reason",
    "state_changed_at",
    "frdo_exported_at",
    "frdo_export_id",
    "version",
    "updated_at",
)
MESSAGE = "documents_document: an issued document changes only its state, once, with a reason"
DELETE_MESSAGE = "documents_document: issued documents are never deleted"


def refuse_duplicates(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    valid = Document.objects.filter(state="valid")
    rows = valid.values("enrollment_id", "kind").annotate(n=models.Count("pk")).filter(n__gt=1)
    duplicates = [
        ", ".join(valid.filter(**row).values_list("registration_number", flat=True))
        for row in rows.values("enrollment_id", "kind")
    ]
    replaced = Document.objects.exclude(original=None).values("original_id").annotate(n=models.Count("pk"))
    duplicates += [
        ", ".join(Document.objects.filter(original_id=row["original_id"]).values_list("registration_number", flat=True))
        for row in replaced.filter(n__gt=1)
    ]
    if duplicates:
        raise RuntimeError(
            "Valid documents issued twice for one enrolment (or a document replaced twice); mark all "
            "but one spoiled or revoked before migrating:\n" + "\n".join(duplicates)
        )


def _postgres() -> str:
    keep = ", ".join(f"'{c}'" for c in LIFECYCLE)
    return f"""
CREATE OR REPLACE FUNCTION documents_document_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '{DELETE_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (to_jsonb(NEW) - ARRAY[{keep}]) IS DISTINCT FROM (to_jsonb(OLD) - ARRAY[{keep}])
       OR (OLD.state <> 'valid' AND (NEW.state, NEW.state_reason, NEW.state_changed_at)
           IS DISTINCT FROM (OLD.state, OLD.state_reason, OLD.state_changed_at))
       OR (NEW.state <> OLD.state AND (NEW.state = 'valid' OR NEW.state_changed_at IS NULL)) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS documents_document_guard ON documents_document;
CREATE TRIGGER documents_document_guard
    BEFORE UPDATE OR DELETE ON documents_document
    FOR EACH ROW EXECUTE FUNCTION documents_document_guard();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_postgres(), params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS documents_document_guard ON documents_document; "
            "DROP FUNCTION IF EXISTS documents_document_guard();",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("attestation", "0004_one_protocol_in_force"),
        ("documents", "0001_initial"),
        ("programs", "0004_completion_order"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "valid")),
                fields=("enrollment", "kind"),
                name="one_valid_document_per_enrollment_and_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(
                condition=models.Q(("original__isnull", False)),
                fields=("original",),
                name="document_replaced_once",
            ),
        ),
        migrations.RunPython(create, drop),
    ]
