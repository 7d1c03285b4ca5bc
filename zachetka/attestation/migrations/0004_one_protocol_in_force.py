"""One final protocol in force per group and one statement per module and attempt, enforced by
the database; annulment records who annulled and when; a draft may be annulled too.

Before the constraints are added, existing duplicates are looked for and named, so a database
that already holds them stops here with a list to resolve (annul all but one) instead of an
opaque integrity error. On SQLite adding a check constraint rebuilds the table, which drops its
triggers: the guards of 0003 are dropped before, and core.guards builds SQLite's guards after
every migrate from then on. On PostgreSQL the protocol guard now also refuses any DELETE:
protocols, drafts included, are annulled, never deleted.
"""

from django.conf import settings
from django.db import migrations, models

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
MESSAGE = "attestation_protocol: a signed protocol is immutable (annul it and issue a new one)"
DELETE_MESSAGE = "attestation_protocol: protocols are never deleted (annul them)"
SQLITE_TRIGGERS = (
    "attestation_protocol_guard",
    "attestation_result_guard_update",
    "attestation_result_guard_insert",
)


def refuse_duplicates(apps, schema_editor):
    Protocol = apps.get_model("attestation", "Protocol")
    in_force = Protocol.objects.exclude(status="annulled")
    duplicates = []
    finals = (
        in_force.filter(kind="final").values("group_id").annotate(n=models.Count("pk")).filter(n__gt=1)
    )
    for row in finals:
        numbers = in_force.filter(kind="final", group_id=row["group_id"]).values_list("number", flat=True)
        duplicates.append(f"group {row['group_id']}: final protocols {', '.join(numbers)}")
    statements = (
        in_force.filter(kind="intermediate")
        .values("group_id", "module_id", "attempt")
        .annotate(n=models.Count("pk"))
        .filter(n__gt=1)
    )
    for row in statements:
        numbers = in_force.filter(kind="intermediate", **row).values_list("number", flat=True)
        duplicates.append(f"group {row['group_id']}, module {row['module_id']}: statements {', '.join(numbers)}")
    if duplicates:
        raise RuntimeError(
            "Protocols in force more than once; annul all but one of each before migrating:\n"
            + "\n".join(duplicates)
        )


def _postgres() -> str:
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN)
    return f"""
CREATE OR REPLACE FUNCTION attestation_protocol_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '{DELETE_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.status = 'annulled'
       OR (OLD.status = 'signed' AND (NEW.status <> 'annulled' OR {changed})) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def unguard_sqlite(apps, schema_editor):
    """SQLite rebuilds the protocol table to add a check constraint; the triggers of 0003 that
    name it (on the results table too) would stop the rebuild, so they are dropped here; since
    this migration, core.guards builds SQLite's guards after every migrate instead."""
    if schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_postgres(), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("attestation", "0003_signed_protocols_immutable"),
        ("gradebook", "0001_initial"),
        ("programs", "0004_completion_order"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.RunPython(unguard_sqlite, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="protocol",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "annulled"), _negated=True),
                    models.Q(("annulled_at__isnull", False), ("annulled_by__isnull", False)),
                    _connector="OR",
                ),
                name="annulled_protocol_has_actor_and_time",
            ),
        ),
        migrations.AddConstraint(
            model_name="protocol",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "final"), models.Q(("status", "annulled"), _negated=True)),
                fields=("group",),
                name="one_final_protocol_in_force_per_group",
            ),
        ),
        migrations.AddConstraint(
            model_name="protocol",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "intermediate"), models.Q(("status", "annulled"), _negated=True)),
                fields=("group", "module", "attempt"),
                name="one_statement_per_module_attempt",
            ),
        ),
        migrations.RunPython(guard, migrations.RunPython.noop),
    ]
