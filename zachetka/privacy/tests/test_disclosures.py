"""Disclosures: refused without a consent in force covering the recipient and the data (through
the service and the form), or made on a federal-law ground; the extract is generated, hashed,
kept, and listed on the learner's page and in their cabinet."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from openpyxl import load_workbook

from zachetka.core.models import AuditEvent
from zachetka.core.tests.xlsx_checks import assert_no_formula_and_values_fit
from zachetka.privacy import services
from zachetka.privacy.models import Disclosure
from zachetka.privacy.tests.conftest import TODAY


def _disclose(registrar, learner, recipient, categories, **kwargs):  # noqa: ANN001, ANN202
    return services.disclose(
        by=registrar, learner=learner, recipient=recipient, categories=categories, channel="email", **kwargs
    )


def test_without_a_consent_the_service_refuses_and_makes_nothing(world, registrar, employer_org):
    with pytest.raises(ValidationError, match="Передача отклонена: у Петров Пётр Петрович нет действующего"):
        _disclose(registrar, world["classmate"], employer_org, ["final"])
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(action="privacy.disclosed").exists()


def test_the_refusal_says_why_each_consent_does_not_serve(world, registrar, employer_org, make_consent, scan):
    consent = make_consent(world["classmate"], employer_org, categories=["identity", "final"])
    with pytest.raises(ValidationError, match="не охватывает: результаты промежуточной"):
        _disclose(registrar, world["classmate"], employer_org, ["grades"])
    services.withdraw(by=registrar, consent=consent, received_on=TODAY, scan=scan())
    with pytest.raises(ValidationError, match=f"согласие № {consent.pk} отозвано 20.11.2026"):
        _disclose(registrar, world["classmate"], employer_org, ["final"])
    expired = make_consent(
        world["stranger"], employer_org, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 12, 31)
    )
    with pytest.raises(ValidationError, match=f"№ {expired.pk} действует с 01.01.2025 по 31.12.2025"):
        _disclose(registrar, world["stranger"], employer_org, ["final"])
    assert not Disclosure.objects.exists()


def test_a_consent_to_another_recipient_does_not_serve(
    world, registrar, employer_org, other_org, make_consent
):
    make_consent(world["classmate"], other_org)
    with pytest.raises(ValidationError, match="Передача отклонена"):
        _disclose(registrar, world["classmate"], employer_org, ["final"])


def test_a_disclosure_on_a_consent_keeps_the_generated_files_and_their_hashes(
    world, registrar, employer_org, make_consent, pdf_text
):
    consent = make_consent(world["classmate"], employer_org)
    disclosure = _disclose(
        registrar, world["classmate"], employer_org, ["identity", "progress"], formats=("pdf", "xlsx")
    )
    assert disclosure.consent == consent and disclosure.legal_ground == ""
    pdf = disclosure.pdf.read()
    assert hashlib.sha256(pdf).hexdigest() == disclosure.pdf_sha256
    text = pdf_text(pdf)
    assert "Петров Пётр Петрович" in text and world["mine"].code in text
    assert "Итоговая аттестация" not in text  # not asked for, not sent
    xlsx = disclosure.xlsx.read()
    assert hashlib.sha256(xlsx).hexdigest() == disclosure.xlsx_sha256
    disclosure.xlsx.seek(0)
    sheet = load_workbook(disclosure.xlsx).active
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value]
    assert "Петров Пётр Петрович" in values
    birth = next(row[2] for row in sheet.iter_rows(min_row=5) if row[1].value == "Дата рождения")
    assert birth.is_date and birth.value.date() == world["classmate"].birth_date
    snils_cell = next(row[2] for row in sheet.iter_rows(min_row=5) if row[1].value == "СНИЛС")
    assert snils_cell.data_type == "s"  # a number with dashes and zeros stays text
    assert_no_formula_and_values_fit(sheet, first_row=4)
    assert AuditEvent.objects.filter(action="privacy.disclosed", subject_id=str(disclosure.pk)).exists()


def test_a_federal_law_ground_needs_its_document(world, registrar, employer_org, scan):
    ground = "ч. 1 ст. 6 Федерального закона № 152-ФЗ, запрос прокуратуры № 7-15-2026"
    with pytest.raises(ValidationError, match="Приложите скан"):
        _disclose(
            registrar, world["classmate"], employer_org, ["final"], legal_ground=ground, formats=("xlsx",)
        )
    disclosure = _disclose(
        registrar,
        world["classmate"],
        employer_org,
        ["final"],
        legal_ground=ground,
        ground_document=scan(),
        formats=("xlsx",),
    )
    assert disclosure.consent is None and disclosure.basis == ground
    assert len(disclosure.ground_document_sha256) == 64


def test_a_disclosure_never_changes(world, registrar, employer_org, make_consent):
    make_consent(world["classmate"], employer_org)
    disclosure = _disclose(registrar, world["classmate"], employer_org, ["final"], formats=("xlsx",))
    for sql in ("UPDATE privacy_disclosure SET channel = 'paper' WHERE id = %s",):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [disclosure.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM privacy_disclosure WHERE id = %s", [disclosure.pk])


def test_the_form_refuses_without_consent_with_a_russian_explanation(client, world, registrar, employer_org):
    client.force_login(registrar)
    url = reverse("privacy:disclosure_create", args=[world["classmate"].pk])
    response = client.post(
        url, {"recipient": employer_org.pk, "categories": ["final"], "channel": "email", "formats": ["xlsx"]}
    )
    assert response.status_code == 200
    assert "Передача отклонена" in response.content.decode()
    assert not Disclosure.objects.exists()


def test_the_form_records_a_disclosure_shown_on_the_learner_page_and_in_the_cabinet(
    client, world, registrar, employer_org, make_consent, learner_user
):
    make_consent(world["own"], employer_org)
    client.force_login(registrar)
    response = client.post(
        reverse("privacy:disclosure_create", args=[world["own"].pk]),
        {"recipient": employer_org.pk, "categories": ["final"], "channel": "paper", "formats": ["xlsx"]},
    )
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert disclosure.channel == "paper" and disclosure.given_by == registrar
    page = client.get(reverse("web:learner_detail", args=[world["own"].pk])).content.decode()
    assert "ООО «Ромашка»" in page and reverse("privacy:disclosure_xlsx", args=[disclosure.pk]) in page
    assert client.get(reverse("privacy:disclosure_xlsx", args=[disclosure.pk])).status_code == 200
    client.force_login(learner_user)
    cabinet = client.get(reverse("cabinet:cabinet")).content.decode()
    assert "Кому передавались сведения обо мне" in cabinet
    assert "ООО «Ромашка»" in cabinet and "итоговая аттестация и результат обучения" in cabinet


def test_the_cabinet_shows_no_one_elses_disclosures(
    client, world, registrar, employer_org, make_consent, learner_user
):
    make_consent(world["classmate"], employer_org)
    _disclose(registrar, world["classmate"], employer_org, ["final"], formats=("xlsx",))
    client.force_login(learner_user)
    cabinet = client.get(reverse("cabinet:cabinet")).content.decode()
    assert "ООО «Ромашка»" not in cabinet
    assert "Сведения о вас третьим лицам не передавались" in cabinet
