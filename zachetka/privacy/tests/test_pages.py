"""The registrar's way through the pages: a recipient, a consent printed, signed and scanned
back, a new version, a withdrawal and its task closed."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zachetka.privacy.models import Consent, Recipient, Withdrawal

PDF = b"%PDF-1.4\n% signed\n%%EOF"


def test_a_recipient_with_a_wrong_inn_is_refused_naming_the_field(client, registrar):
    client.force_login(registrar)
    data = {"name": "ООО «Ромашка»", "kind": "legal", "inn": "7707083894", "address": "г. Москва"}
    response = client.post(reverse("privacy:recipients"), data)
    assert "контрольная цифра" in response.content.decode()
    assert not Recipient.objects.exists()
    response = client.post(reverse("privacy:recipients"), data | {"inn": ""})
    assert "У юридического лица укажите ИНН" in response.content.decode()
    assert client.post(reverse("privacy:recipients"), data | {"inn": "7707083893"}).status_code == 302
    assert Recipient.objects.get().inn == "7707083893"


def test_consent_printed_signed_scanned_versioned_withdrawn(client, world, registrar, employer_org, pdf_text):
    client.force_login(registrar)
    learner = world["classmate"]
    form = {
        "recipient": employer_org.pk,
        "purpose": "Подтверждение обучения работодателю",
        "categories": ["identity", "final"],
        "actions": ["store", "transfer"],
        "valid_from": "01.09.2026",
        "valid_to": "31.08.2027",
        "withdrawal_method": "Письменным заявлением.",
        "subject_address": "г. Москва, ул. Мира, д. 2",
        "subject_id_document": "паспорт 4510 123456",
    }
    response = client.post(reverse("privacy:consent_create", args=[learner.pk]), form)
    consent = Consent.objects.get()
    assert response.status_code == 302 and response.url == consent.get_absolute_url()
    text = pdf_text(client.get(reverse("privacy:consent_form_pdf", args=[consent.pk])).content)
    for expected in (
        "Петров Пётр Петрович",
        "ООО «Ромашка»",
        "ИНН 7707083893",
        "паспорт 4510 123456",
        "с 01.09.2026 по 31.08.2027",
        "Письменным заявлением",
        "итоговая аттестация",
    ):
        assert expected in text, expected
    fake = SimpleUploadedFile("scan.pdf", b"GIF89a not a scan")
    response = client.post(
        reverse("privacy:consent_scan_attach", args=[consent.pk]),
        {"signed_on": "20.11.2026", "scan": fake},
        follow=True,
    )
    assert "не PDF и не изображение" in response.content.decode()
    client.post(
        reverse("privacy:consent_scan_attach", args=[consent.pk]),
        {"signed_on": "20.11.2026", "scan": SimpleUploadedFile("scan.pdf", PDF)},
    )
    consent.refresh_from_db()
    assert consent.is_signed
    assert client.get(reverse("privacy:consent_scan", args=[consent.pk])).getvalue() == PDF
    page = client.get(reverse("privacy:consent_supersede", args=[consent.pk])).content.decode()
    assert "Подтверждение обучения работодателю" in page  # prefilled from the version it replaces
    response = client.post(
        reverse("privacy:consent_supersede", args=[consent.pk]), form | {"categories": ["identity"]}
    )
    newer = Consent.objects.get(supersedes=consent)
    assert newer.version == 2 and newer.categories == ["identity"]
    old_page = client.get(consent.get_absolute_url()).content.decode()
    assert "заменено версией 2" in old_page
    client.post(
        reverse("privacy:consent_withdraw", args=[newer.pk]),
        {"received_on": "20.11.2026", "scan": SimpleUploadedFile("w.pdf", PDF)},
    )
    withdrawal = Withdrawal.objects.get()
    overview = client.get(reverse("privacy:overview")).content.decode()
    assert "20.12.2026" in overview and "осталось 30 дней" in overview
    client.post(reverse("privacy:withdrawal_close", args=[withdrawal.pk]), {"note": "Данные уничтожены"})
    withdrawal.refresh_from_db()
    assert withdrawal.closed_at is not None and withdrawal.close_note == "Данные уничтожены"
    assert dt.date(2026, 12, 20) == withdrawal.due_on
