"""Staged import files live no longer than the import needs them: deleted on confirmation,
cancellation, refusal and replacement, and swept when abandoned for IMPORT_STAGING_HOURS."""

import datetime as dt
import io

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from zachetka.people.models import Learner

CSV = "Фамилия;Имя;Дата рождения;Пол\r\nИванов;Иван;15.03.1985;М\r\n".encode()


def _staged(settings) -> list:  # noqa: ANN001
    folder = settings.IMPORT_STAGING_DIR
    return sorted(folder.glob("*.upload")) if folder.is_dir() else []


def _preview(client, content: bytes = CSV):  # noqa: ANN001, ANN202
    response = client.post(reverse("web:learner_import"), {"file": SimpleUploadedFile("l.csv", content)})
    assert response.status_code == 200, response.content.decode()[:500]
    return response


def test_a_confirmed_import_leaves_no_file(client, registrar, settings):
    client.force_login(registrar)
    token = _preview(client).context["token"]
    assert len(_staged(settings)) == 1
    client.post(reverse("web:learner_import_confirm"), {"token": token})
    assert Learner.objects.count() == 1 and _staged(settings) == []


def test_a_refused_confirmation_deletes_the_file_too(client, registrar, settings):
    client.force_login(registrar)
    token = _preview(client).context["token"]
    _staged(settings)[0].write_bytes(b"\x00\x01 no longer a list")
    response = client.post(reverse("web:learner_import_confirm"), {"token": token}, follow=True)
    assert "двоичный" in response.content.decode()
    assert Learner.objects.count() == 0 and _staged(settings) == []


def test_cancel_deletes_the_file(client, registrar, settings):
    client.force_login(registrar)
    preview = _preview(client)
    token = preview.context["token"]
    assert f'formaction="{reverse("web:learner_import_cancel")}"' in preview.content.decode()
    response = client.post(reverse("web:learner_import_cancel"), {"token": token}, follow=True)
    assert "Импорт отменён" in response.content.decode()
    assert _staged(settings) == []
    again = client.post(reverse("web:learner_import_confirm"), {"token": token}, follow=True)
    assert "Предпросмотр устарел" in again.content.decode() and Learner.objects.count() == 0


def test_a_new_preview_replaces_the_earlier_file(client, registrar, settings):
    client.force_login(registrar)
    _preview(client)
    first = _staged(settings)
    _preview(client)
    second = _staged(settings)
    assert len(second) == 1 and second != first


def test_abandoned_files_are_swept_at_the_next_upload(client, registrar, director, settings):
    client.force_login(registrar)
    _preview(client)
    abandoned = _staged(settings)[0]
    client.force_login(director)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=5)):
        _preview(client)
    assert abandoned.exists()  # five hours: still within the six
    with time_machine.travel(timezone.now() + dt.timedelta(hours=6, minutes=5)):
        client.force_login(director)
        _preview(client)
    assert not abandoned.exists() and len(_staged(settings)) == 1


def test_the_daily_command_sweeps_abandoned_files(client, registrar, settings):
    settings.IMPORT_STAGING_HOURS = 2
    client.force_login(registrar)
    _preview(client)
    out = io.StringIO()
    call_command("clean_import_staging", stdout=out)
    assert "старше 2 ч: 0" in out.getvalue() and len(_staged(settings)) == 1
    with time_machine.travel(timezone.now() + dt.timedelta(hours=3)):
        call_command("clean_import_staging", stdout=out)
    assert "старше 2 ч: 1" in out.getvalue() and _staged(settings) == []
