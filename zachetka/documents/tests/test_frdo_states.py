"""What ФИС ФРДО is told when a document's state changes after issue, and what a справка
asserts: a revoked, spoiled or lost document is never reported as valid, a document already
sent goes again as a change of its record, a справка carries no qualification."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from zachetka.attestation import services as attestation_services
from zachetka.core import audit, snils
from zachetka.core.models import AuditEvent
from zachetka.documents import frdo, services
from zachetka.documents.models import Document, FrdoSubmission
from zachetka.programs import services as program_services
from zachetka.programs.models import Enrollment, Program

ISSUED = dt.date(2026, 11, 27)
CHANGE = "Номер документа для изменения"
MANUAL = "требует исправления в ФИС ФРДО вручную"


@pytest.fixture
def issued(graduated, registrar):
    return services.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=ISSUED, series="", first_number="000118"
    )


def _rows(record) -> dict[str, dict[str, str]]:  # noqa: ANN001
    """The workbook's rows by registration number, each as {column title: value}."""
    sheet = load_workbook(io.BytesIO(record.file.open("rb").read()), read_only=True).active
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    return {row[8]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def _export(by, key: str = "dpo"):  # noqa: ANN001, ANN202
    return frdo.export(by=by, template_key=key, year=2026)


def _frdo_page(client, user) -> str:  # noqa: ANN001
    client.force_login(user)
    return client.get(reverse("documents:frdo")).content.decode()


def test_a_revoked_document_is_left_out_and_listed_for_manual_correction(client, issued, registrar, director):
    petrov, smirnova = issued
    services.revoke(by=director, document=petrov, reason="Выдан ошибочно: протокол аннулирован")
    record = _export(registrar)
    assert set(_rows(record)) == {smirnova.registration_number}
    page = _frdo_page(client, registrar)
    assert MANUAL in page
    assert petrov.registration_number in page and "Выдан ошибочно: протокол аннулирован" in page
    assert "в ФИС ФРДО не передавался" in page


def test_a_document_revoked_after_export_is_never_sent_again_as_valid(client, issued, registrar, director):
    petrov, _ = issued
    _export(registrar)
    services.revoke(by=director, document=petrov, reason="Выдан ошибочно")
    with pytest.raises(ValidationError, match="Нет документов для выгрузки"):
        _export(registrar)
    page = _frdo_page(client, registrar)
    assert MANUAL in page and "сведения о нём уже переданы" in page and petrov.registration_number in page
    # Corrected by hand in the registry's cabinet: recorded, audited, and off the list.
    url = reverse("documents:frdo_correction", args=[petrov.pk])
    response = client.post(url, {"note": "Запись признана недействительной в кабинете ФИС ФРДО"}, follow=True)
    assert "Исправление в ФИС ФРДО отмечено" in response.content.decode()
    assert MANUAL not in _frdo_page(client, registrar)
    last = FrdoSubmission.objects.filter(document=petrov).last()
    assert last.export is None and last.state == Document.State.REVOKED and last.by == registrar
    assert AuditEvent.objects.filter(action=audit.Action.FRDO_CORRECTED, subject_id=str(petrov.pk)).exists()
    with pytest.raises(ValidationError, match="Нет документов для выгрузки"):
        _export(registrar)


def test_a_spoiled_blank_never_reported_is_not_reported(client, issued, registrar):
    petrov, smirnova = issued
    services.destroy_blank(by=registrar, document=petrov, reason="Опечатка в отчестве")
    assert set(_rows(_export(registrar))) == {smirnova.registration_number}
    assert MANUAL not in _frdo_page(client, registrar)


def test_a_spoiled_blank_already_reported_is_sent_as_a_change_confirming_its_destruction(issued, registrar):
    petrov, _ = issued
    _export(registrar)
    services.destroy_blank(by=registrar, document=petrov, reason="Опечатка в отчестве")
    (row,) = _rows(_export(registrar)).values()
    assert row["Регистрационный номер"] == petrov.registration_number
    assert (row["Статус документа"], row["Подтверждение уничтожения"]) == ("Оригинал", "Да")
    assert row[CHANGE] == petrov.registration_number


def test_a_corrected_learner_record_resends_the_row_as_a_change(issued, registrar, course):
    petrov, _ = issued
    _export(registrar)
    learner = course["classmate"].learner
    learner.snils = snils.with_checksum("200300400")
    learner.save()
    (row,) = _rows(_export(registrar)).values()
    assert row["Регистрационный номер"] == petrov.registration_number
    assert row["СНИЛС"] == snils.format_snils(learner.snils) and row[CHANGE] == petrov.registration_number
    with pytest.raises(ValidationError, match="Нет документов для выгрузки"):
        _export(registrar)
    # A full export names every record it rewrites, the unchanged ones too.
    full = _rows(frdo.export(by=registrar, template_key="dpo", year=2026, only_new=False))
    assert {number: row[CHANGE] for number, row in full.items()} == {number: number for number in full}


def test_a_study_certificate_asserts_no_qualification_and_counts_only_studied_hours(
    course, teacher, director, registrar
):
    """Алексеев passed the credit module (36 h) and failed the exam module, then was expelled."""
    Program.objects.filter(pk=course["group"].program_id).update(qualification="Педагог-наставник")
    for module, failed in (("credit", None), ("exam", course["third"])):
        statement = attestation_services.create_intermediate_statement(
            by=teacher, group=course["group"], module=course[module], held_on=dt.date(2026, 11, 20)
        )
        for result in statement.results.select_related("enrollment"):
            text = ("2" if result.enrollment == failed else "4") if module == "exam" else "зачтено"
            attestation_services.set_result(
                by=teacher, protocol=statement, enrollment=result.enrollment, text=text
            )
        attestation_services.sign_protocol(by=teacher, protocol=statement)
    third = course["third"]
    program_services.update_enrollment(
        by=director,
        enrollment=third,
        expected_version=Enrollment.objects.get(pk=third.pk).version,
        status=Enrollment.Status.EXPELLED,
        expulsion_order_number="99-к",
        expulsion_order_date=dt.date(2026, 11, 26),
        expulsion_reason="академическая задолженность",
    )
    certificate = services.issue_study_certificate(by=registrar, enrollment=third, issued_on=ISSUED)
    assert certificate.qualification == ""
    row = _rows(_export(registrar))[certificate.registration_number]
    assert row["Вид документа"] == "Справка об обучении или о периоде обучения"
    assert row["Наименование квалификации, профессии, специальности"] == ""
    assert row["Срок обучения, часов (для документа о квалификации)"] == "36"
    assert row["Год начала обучения (для документа о квалификации)"] == "2026"
    assert row["Год окончания обучения (для документа о квалификации)"] == "2026"


def test_a_study_certificate_with_nothing_attested_leaves_the_hours_empty(
    graduated, course, director, registrar
):
    """Алексеев failed both modules (the `graduated` story) and was expelled."""
    third = course["third"]
    program_services.update_enrollment(
        by=director,
        enrollment=third,
        expected_version=Enrollment.objects.get(pk=third.pk).version,
        status=Enrollment.Status.EXPELLED,
        expulsion_order_number="99-к",
        expulsion_order_date=dt.date(2026, 11, 26),
        expulsion_reason="академическая задолженность",
    )
    certificate = services.issue_study_certificate(by=registrar, enrollment=third, issued_on=ISSUED)
    row = _rows(_export(registrar))[certificate.registration_number]
    assert row["Срок обучения, часов (для документа о квалификации)"] == ""


def test_the_po_template_takes_no_changes_so_a_loss_after_export_is_listed_by_hand(
    client, vocational_graduated, registrar
):
    petrov, _ = services.issue_from_protocol(
        by=registrar, protocol=vocational_graduated, issued_on=ISSUED, series="СВ", first_number="000501"
    )
    assert len(_rows(_export(registrar, "po"))) == 2
    duplicate = services.issue_duplicate(
        by=registrar, original=petrov, issued_on=ISSUED, series="СВ", number="000505", reason="Утрата"
    )
    rows = _rows(_export(registrar, "po"))
    assert set(rows) == {duplicate.registration_number}
    assert rows[duplicate.registration_number]["Статус документа"] == "Дубликат"
    assert rows[duplicate.registration_number][CHANGE] == ""
    page = _frdo_page(client, registrar)
    assert (
        MANUAL in page and petrov.registration_number in page and "шаблон «ПО» не принимает изменений" in page
    )


def test_a_lost_original_goes_with_its_duplicate_into_the_duplicates_year(issued, registrar):
    """Issued in 2026, never reported, lost and duplicated in 2027: the 2026 workbook holds only
    the document still valid; the 2027 one the original (loss confirmed) with its duplicate."""
    petrov, smirnova = issued
    with time_machine.travel(dt.datetime(2027, 1, 15, 10, 0, tzinfo=dt.UTC)):
        duplicate = services.issue_duplicate(
            by=registrar,
            original=petrov,
            issued_on=dt.date(2027, 1, 15),
            series="ПК",
            number="000200",
            reason="Заявление об утрате",
        )
        assert set(_rows(_export(registrar))) == {smirnova.registration_number}
        rows = _rows(frdo.export(by=registrar, template_key="dpo", year=2027))
    assert set(rows) == {petrov.registration_number, duplicate.registration_number}
    assert rows[petrov.registration_number]["Подтверждение утраты"] == "Да"
    assert rows[petrov.registration_number][CHANGE] == ""  # never sent before: a new record
    assert rows[duplicate.registration_number]["Регистрационный N (оригинала)"] == petrov.registration_number


def test_documents_voided_by_an_annulled_protocol_are_never_reported_as_valid(
    client, issued, registrar, director
):
    """Sent before the annulment: listed for correction by hand; the replacement's documents are
    new records. Never sent: nothing to correct and nothing to send."""
    petrov, smirnova = issued
    _export(registrar)
    services.annul_final_protocol(by=director, protocol=petrov.protocol, reason="Перепутаны результаты")
    assert not frdo.pending().filter(pk__in=[petrov.pk, smirnova.pk]).exists()
    corrections = {c.document.pk: c.reason for c in frdo.manual_corrections()}
    assert set(corrections) == {petrov.pk, smirnova.pk}
    assert "нет отметки о недействительности" in corrections[petrov.pk]
    with pytest.raises(ValidationError):  # nothing left to send for 2026
        _export(registrar)
