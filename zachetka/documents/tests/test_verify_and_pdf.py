"""Public verification (no personal data beyond the masked name, slowed after wrong guesses,
logged) and the documents' PDFs (grammar by sex, declined names, QR link, group printing)."""

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse

from zachetka.documents import pdf, services
from zachetka.documents.models import Document, VerificationCheck
from zachetka.programs import services as program_services
from zachetka.programs.models import Enrollment

ISSUED = dt.date(2026, 11, 27)


@pytest.fixture
def issued(graduated, registrar):
    return services.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=ISSUED, first_number="000118"
    )


def test_qr_link_shows_status_and_masked_name_only(client, issued, course):
    petrov = issued[0]
    learner = course["classmate"].learner
    response = client.get(reverse("documents:verify_code", args=[petrov.verification_code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Документ действителен" in page and "Петров П. П." in page and petrov.registration_number in page
    assert "Пётр" not in page and "Петрович" not in page
    assert learner.snils_display not in page and learner.snils not in page
    assert learner.birth_date.strftime("%d.%m.%Y") not in page
    assert "Оценка" not in page and "4" not in page.split("Программа")[1].split("</dl>")[0].replace("72", "")
    check = VerificationCheck.objects.get()
    assert (check.found, check.via_code, check.document) == (True, True, petrov)


def test_number_and_surname_check_and_status_after_duplicate(client, issued, registrar):
    smirnova = issued[1]
    url = reverse("documents:verify")
    page = client.post(url, {"registration_number": smirnova.registration_number, "last_name": "смирнова"})
    assert "Документ действителен" in page.content.decode()
    page = client.post(url, {"registration_number": smirnova.registration_number, "last_name": "Петрова"})
    assert "не найден" in page.content.decode()
    services.issue_duplicate(
        by=registrar, original=smirnova, issued_on=ISSUED, series="", number="000500", reason="Утрата"
    )
    page = client.post(url, {"registration_number": smirnova.registration_number, "last_name": "Смирнова"})
    assert "утрачен: взамен выдан дубликат" in page.content.decode()
    assert VerificationCheck.objects.count() == 3


def test_wrong_guesses_from_one_address_are_slowed_down(client, issued, settings):
    settings.VERIFY_FREE_FAILURES = 3
    url = reverse("documents:verify")
    for n in range(3):
        response = client.post(url, {"registration_number": f"2026-9999{n}", "last_name": "Иванов"})
        assert response.status_code == 200
    response = client.post(url, {"registration_number": issued[0].registration_number, "last_name": "Петров"})
    assert response.status_code == 429 and "Слишком много неудачных проверок" in response.content.decode()
    assert int(response["Retry-After"]) >= 1
    # Another address is not affected.
    other = client.get(
        reverse("documents:verify_code", args=[issued[0].verification_code]), REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 200 and "Документ действителен" in other.content.decode()


def test_unknown_code_is_not_found_and_logged(client, issued):
    response = client.get(reverse("documents:verify_code", args=["A" * 22]))
    assert "не найден" in response.content.decode()
    assert VerificationCheck.objects.filter(found=False, via_code=True).count() == 1


def test_certificate_pdf_agrees_with_sex_and_carries_the_qr_link(issued, pdf_text):
    petrov, smirnova = issued
    text = pdf_text(pdf.render_pdf([smirnova]))
    assert "Смирнова Анна Сергеевна" in text and "прошла повышение квалификации" in text
    assert "в объёме 72 часов" in text and smirnova.registration_number in text
    assert smirnova.verification_code in text.replace(" ", "")
    assert "прошёл повышение квалификации" in pdf_text(pdf.render_pdf([petrov]))


def test_study_certificate_declines_the_name_into_the_dative(course, registrar, director, pdf_text):
    enrollment = course["own"]
    program_services.update_enrollment(
        by=director,
        enrollment=enrollment,
        expected_version=enrollment.version,
        status=Enrollment.Status.EXPELLED,
        expulsion_order_number="101-к",
        expulsion_order_date=dt.date(2026, 11, 20),
        expulsion_reason="по собственному желанию",
    )
    document = services.issue_study_certificate(by=registrar, enrollment=enrollment, issued_on=ISSUED)
    text = pdf_text(pdf.render_pdf([document]))
    assert "Выдана Смирновой Анне Сергеевне" in text
    assert "она обучалась" in text and "отчислена приказом № 101-к от 20.11.2026" in text
    assert "основание отчисления — по собственному желанию" in text
    # No statement was signed: no module is listed as mastered.
    assert "Введение" not in text and "Практикум" not in text and "освоены" not in text.lower()
    assert "Промежуточную аттестацию с положительным результатом она не прошла" in text


def test_group_prints_as_one_pdf_and_as_a_zip_named_by_number(
    client, issued, registrar, course, pdf_text, job_file
):
    client.force_login(registrar)
    group = course["group"]
    url = reverse("documents:group_documents_print", args=[group.pk])
    text = pdf_text(job_file(client, url, {"format": "pdf"}).content)
    assert "Петров Пётр Петрович" in text and "Смирнова Анна Сергеевна" in text
    archive = zipfile.ZipFile(io.BytesIO(job_file(client, url, {"format": "zip"}).content))
    assert sorted(archive.namelist()) == ["2026-00001 Петров П. П..pdf", "2026-00002 Смирнова А. С..pdf"]
    blank_text = pdf_text(job_file(client, url, {"format": "blank"}).content)
    assert "Смирнова Анна Сергеевна" in blank_text and "удостоверение" not in blank_text.lower()


def test_document_page_actions_through_the_pages(client, issued, registrar, director):
    petrov = issued[0]
    client.force_login(registrar)
    page = client.get(reverse("documents:document_detail", args=[petrov.pk])).content.decode()
    assert "Выдать дубликат" in page and "Аннулировать" not in page
    response = client.post(
        reverse("documents:document_duplicate", args=[petrov.pk]),
        {
            "issued_on": "27.11.2026",
            "series": "",
            "number": "000777",
            "reason": "Утрата",
            "version": petrov.version,
        },
    )
    duplicate = Document.objects.get(issue=Document.Issue.DUPLICATE)
    assert response.status_code == 302 and response.url == duplicate.get_absolute_url()
    stale = client.post(
        reverse("documents:document_destroy", args=[petrov.pk]),
        {"reason": "x", "version": petrov.version},
        follow=True,
    )
    assert "больше не меняется" in stale.content.decode()
    client.force_login(director)
    client.post(
        reverse("documents:document_revoke", args=[duplicate.pk]),
        {"reason": "Ошибка", "version": duplicate.version},
    )
    duplicate.refresh_from_db()
    assert duplicate.state == Document.State.REVOKED
