"""What ФИС ФРДО was told about each document (FrdoSubmission): append-only. On PostgreSQL the
database refuses UPDATE and DELETE (on SQLite core.guards refuses UPDATE after every migrate,
from FrdoSubmission.DB_WRITES)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MESSAGE = "documents_frdosubmission: what was reported to ФИС ФРДО is append-only"

POSTGRES = f"""
CREATE OR REPLACE FUNCTION documents_frdosubmission_guard() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS documents_frdosubmission_guard ON documents_frdosubmission;
CREATE TRIGGER documents_frdosubmission_guard
    BEFORE UPDATE OR DELETE ON documents_frdosubmission
    FOR EACH ROW EXECUTE FUNCTION documents_frdosubmission_guard();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS documents_frdosubmission_guard ON documents_frdosubmission; "
            "DROP FUNCTION IF EXISTS documents_frdosubmission_guard();",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_document_state_voided"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FrdoSubmission",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("valid", "действителен"),
                            ("lost", "утрачен, выдан дубликат"),
                            ("exchanged", "обменян на новый"),
                            ("destroyed", "бланк испорчен и уничтожен"),
                            ("revoked", "аннулирован"),
                        ],
                        max_length=10,
                        verbose_name="состояние документа",
                    ),
                ),
                ("sha256", models.CharField(blank=True, max_length=64)),
                (
                    "change_number",
                    models.CharField(blank=True, max_length=30, verbose_name="номер документа для изменения"),
                ),
                ("note", models.TextField(blank=True, verbose_name="что сделано")),
                ("at", models.DateTimeField(auto_now_add=True)),
                (
                    "by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="frdo_submissions",
                        to="documents.document",
                        verbose_name="документ",
                    ),
                ),
                (
                    "export",
                    models.ForeignKey(
                        blank=True,
                        help_text="Пусто — исправлено в ФИС ФРДО вручную.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="submissions",
                        to="documents.frdoexport",
                        verbose_name="выгрузка",
                    ),
                ),
            ],
            options={
                "verbose_name": "сведения, переданные в ФИС ФРДО",
                "verbose_name_plural": "сведения, переданные в ФИС ФРДО",
                "ordering": ["document", "pk"],
            },
        ),
        migrations.RunPython(create, drop),
    ]
