"""One document per blank of strict accountability (series and number), held by the database
behind the blanks register; a revoked record (issued by mistake) no longer holds its blank.
Documents already sharing a blank stop the migration with their registration numbers: the
administration revokes the mistaken record and the document is issued anew on its real blank."""

from django.db import migrations, models

ON_BLANK = ["pk", "pp", "po"]


def refuse_shared_blanks(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    on_blank = Document.objects.filter(kind__in=ON_BLANK).exclude(number="").exclude(state="revoked")
    shared = on_blank.values("series", "number").annotate(n=models.Count("pk")).filter(n__gt=1)
    clashes = [
        f"{row['series'] or 'б/с'} {row['number']}: "
        + ", ".join(
            on_blank.filter(series=row["series"], number=row["number"]).values_list("registration_number", flat=True)
        )
        for row in shared
    ]
    if clashes:
        raise RuntimeError("Several documents carry the same blank (series and number):\n" + "\n".join(clashes))


class Migration(migrations.Migration):
    dependencies = [("documents", "0005_frdo_submissions")]

    operations = [
        migrations.RunPython(refuse_shared_blanks, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("kind__in", ["pk", "pp", "po"]),
                    models.Q(("number", ""), _negated=True),
                    models.Q(("state", "revoked"), _negated=True),
                ),
                fields=("series", "number"),
                name="document_blank_used_once",
            ),
        ),
    ]
