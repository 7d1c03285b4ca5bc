"""A свидетельство о профессии рабочего carries the grade (разряд, класс, категория) its final
protocol awarded: copied at issue, printed on it, shown on its page and exported in the ПО
template's column of ФИС ФРДО."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from zachetka.attestation import services as attestation
from zachetka.attestation.models import Protocol, ProtocolResult
from zachetka.documents import frdo, pdf, services
from zachetka.documents.models import Document
from zachetka.programs.models import Program

ISSUED = dt.date(2026, 11, 27)
RANK_COLUMN = "Присвоенный квалификационный разряд, класс, категория (при наличии)"


def _vocational_final(course, director) -> Protocol:  # noqa: ANN001
    program = course["group"].program
    program.kind, program.qualification = Program.Kind.VOCATIONAL, "Слесарь-ремонтник"
    program.save()
    return attestation.create_final_protocol(
        by=director,
        group=course["group"],
        held_on=dt.date(2026, 11, 25),
        form=Protocol.FinalForm.QUALIFICATION_EXAM,
        commission=course["commission"],
        scale=course["five"],
    )


def test_the_grade_is_copied_printed_shown_and_exported(
    client, vocational_graduated, registrar, course, pdf_text
):
    documents = services.issue_from_protocol(
        by=registrar, protocol=vocational_graduated, issued_on=ISSUED, series="СВ", first_number="000501"
    )
    grades = {d.last_name: (d.kind, d.qualification_grade) for d in documents}
    assert grades == {
        "Петров": (Document.Kind.VOCATIONAL_CERTIFICATE, "3 разряд"),
        "Смирнова": (Document.Kind.VOCATIONAL_CERTIFICATE, "4 разряд"),
    }
    smirnova = next(d for d in documents if d.last_name == "Смирнова")
    text = pdf_text(pdf.render_pdf([smirnova]))
    assert "присвоена квалификация «Слесарь-ремонтник»" in text
    assert "Квалификационный разряд, класс, категория: 4 разряд." in text
    client.force_login(registrar)
    page = client.get(reverse("documents:document_detail", args=[smirnova.pk])).content.decode()
    assert "квалификация «Слесарь-ремонтник», 4 разряд" in page
    record = frdo.export(by=registrar, template_key="po", year=2026)
    sheet = load_workbook(io.BytesIO(record.file.read()), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    column = rows[0].index(RANK_COLUMN)
    last_name = rows[0].index("Фамилия получателя")
    assert {row[last_name]: row[column] for row in rows[1:]} == {"Петров": "3 разряд", "Смирнова": "4 разряд"}


def test_a_duplicate_repeats_the_grade(vocational_graduated, registrar, course):
    (original,) = services.issue_from_protocol(
        by=registrar,
        protocol=vocational_graduated,
        issued_on=ISSUED,
        series="СВ",
        first_number="000501",
        enrollments=[course["own"]],
    )
    duplicate = services.issue_duplicate(
        by=registrar,
        original=original,
        issued_on=ISSUED,
        series="СВ",
        number="000520",
        reason="Заявление об утрате",
    )
    assert duplicate.qualification_grade == "4 разряд"


def test_no_certificate_without_a_grade(course, pass_all_modules, director, registrar):
    """A ПО protocol signed before grades were required (made here behind the services' back)
    gives no свидетельство."""
    pass_all_modules(failing=course["third"])
    protocol = _vocational_final(course, director)
    ProtocolResult.objects.filter(protocol=protocol).update(value="5", is_passing=True, decision="document")
    Protocol.objects.filter(pk=protocol.pk).update(status=Protocol.Status.SIGNED)
    protocol.refresh_from_db()
    with pytest.raises(ValidationError, match=r"не указан присвоенный квалификационный разряд.*Петров П. П."):
        services.issue_from_protocol(
            by=registrar, protocol=protocol, issued_on=ISSUED, series="СВ", first_number="000501"
        )
    assert not Document.objects.exists()


def test_the_grade_prints_on_the_blank_too(vocational_graduated, registrar, course, pdf_text):
    (document,) = services.issue_from_protocol(
        by=registrar,
        protocol=vocational_graduated,
        issued_on=ISSUED,
        series="СВ",
        first_number="000501",
        enrollments=[course["own"]],
    )
    assert "4 разряд" in pdf_text(pdf.render_pdf([document], blank=True))
