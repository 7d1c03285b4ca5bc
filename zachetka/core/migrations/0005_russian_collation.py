"""The ICU collation `zachetka_ru` on PostgreSQL (Russian order: ё with е), declared by name
columns. SQLite registers a collation of the same name on each connection (core/sqlite.py)."""

from django.db import migrations

# Copied, not imported: a migration stays as it was written (core.collation.COLLATION).
COLLATION = "zachetka_ru"


def create_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE COLLATION IF NOT EXISTS "{COLLATION}" (provider = icu, locale = \'ru-RU\')'
        )


def drop_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP COLLATION IF EXISTS "{COLLATION}"')


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_sealed_personal_data"),
    ]

    operations = [
        migrations.RunPython(create_collation, drop_collation),
    ]
