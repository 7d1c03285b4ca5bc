"""Seed the single requisites row from what the settings held before requisites were data: the
organisation's name (ZACHETKA_ORGANIZATION_NAME); the rest starts as placeholders the requisites
page flags («заполните») or empty, so no document prints an invented licence or person."""

from django.conf import settings
from django.db import migrations

DEFAULT_NAME = "АНО ДПО «Умный образовательный центр»"
SHORT_NAME = "УОЦ"
CITY = "г. Москва"
HEAD_POST = "Директор"


def seed(apps, schema_editor):
    requisites = apps.get_model("organization", "Requisites")
    requisites.objects.get_or_create(
        pk=1,
        defaults={
            "full_name": getattr(settings, "ORGANIZATION_NAME", "") or DEFAULT_NAME,
            "short_name": SHORT_NAME,
            "city": CITY,
            "head_post": HEAD_POST,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("organization", "0001_requisites")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
