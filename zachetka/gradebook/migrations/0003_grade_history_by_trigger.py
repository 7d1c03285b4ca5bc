"""Grade history written by the database: on PostgreSQL, triggers copy every change of a
grade's value into gradebook_gradechange (on SQLite gradebook.guards installs the same after
every migrate)."""
from django.db import migrations, models


POSTGRES = """
CREATE OR REPLACE FUNCTION gradebook_grade_history() RETURNS trigger AS $$
BEGIN
    INSERT INTO gradebook_gradechange (grade_id, old_value, new_value, changed_by_id, changed_at, reason)
    VALUES (
        NEW.id,
        CASE WHEN TG_OP = 'INSERT' THEN '' ELSE OLD.value END,
        NEW.value,
        NEW.entered_by_id,
        NEW.entered_at,
        NEW.change_reason
    );
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS gradebook_grade_history_insert ON gradebook_grade;
CREATE TRIGGER gradebook_grade_history_insert
    AFTER INSERT ON gradebook_grade
    FOR EACH ROW WHEN (NEW.value <> '') EXECUTE FUNCTION gradebook_grade_history();
DROP TRIGGER IF EXISTS gradebook_grade_history_update ON gradebook_grade;
CREATE TRIGGER gradebook_grade_history_update
    AFTER UPDATE ON gradebook_grade
    FOR EACH ROW WHEN (OLD.value IS DISTINCT FROM NEW.value) EXECUTE FUNCTION gradebook_grade_history();
"""

DROP_POSTGRES = """
DROP TRIGGER IF EXISTS gradebook_grade_history_insert ON gradebook_grade;
DROP TRIGGER IF EXISTS gradebook_grade_history_update ON gradebook_grade;
DROP FUNCTION IF EXISTS gradebook_grade_history();
"""


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run



class Migration(migrations.Migration):

    dependencies = [
        ('gradebook', '0002_history_append_only'),
    ]

    operations = [
        migrations.AddField(
            model_name='grade',
            name='change_reason',
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(_on_postgres(POSTGRES), _on_postgres(DROP_POSTGRES)),
    ]
