"""What issued documents say, read back from their PDFs: the organisation's requisites and the
typed names under the signature lines, a справка that lists only the modules passed, the
diploma's supplement (also on its blank), the mark of a document no longer valid, and the
registry book whose numbers and dates are never broken."""

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.urls import reverse

from zachetka.attestation import services as attestation
from zachetka.blanks import services as blank_services
from zachetka.documents import export, pdf, selectors, services
from zachetka.documents.models import Document
from zachetka.organization import selectors as organization
from zachetka.organization import services as organization_services
from zachetka.programs import services as program_services
from zachetka.programs.models import Enrollment, Program

ISSUED = dt.date(2026, 11, 27)
FULL_NAME = (
    "Автономная некоммерческая организация дополнительного профессионального образования "
    "«Умный образовательный центр»"
)


@pytest.fixture
def requisites(director):
    organization_services.update_requisites(
        by=director,
        expected_version=organization.current().version,
        full_name=FULL_NAME,
        city="г. Тверь",
        head_post="Директор",
        head_name="Кузнецова Ольга Викторовна",
        secretary_name="Соколова Марина Олеговна",
    )
    return organization.current()


@pytest.fixture
def issued(graduated, registrar, requisites):
    """Петров's and Смирнова's удостоверения (рег. № 2026-00001 and 2026-00002)."""
    return services.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=ISSUED, first_number="000118"
    )


def _expel(enrollment: Enrollment, by, *, order: str = "101-к", reason: str = "по собственному желанию"):  # noqa: ANN001, ANN202
    enrollment.refresh_from_db()
    program_services.update_enrollment(
        by=by,
        enrollment=enrollment,
        expected_version=enrollment.version,
        status=Enrollment.Status.EXPELLED,
        expulsion_order_number=order,
        expulsion_order_date=dt.date(2026, 11, 20),
        expulsion_reason=reason,
    )


def test_documents_print_the_requisites_and_typed_names_under_signatures(issued, director, pdf_text):
    petrov, smirnova = issued
    for document in issued:
        text = pdf_text(pdf.render_pdf([document]))
        assert FULL_NAME in text and "г. Тверь" in text
        assert "Директор О. В. Кузнецова" in text and "Секретарь М. О. Соколова" in text
        assert "Лицензия" not in text  # none is recorded: no line, rather than an invented one
    # The organisation is named in the header; the running text does not decline it wrongly.
    assert f"в {FULL_NAME}" not in pdf_text(pdf.render_pdf([smirnova]))
    requisites = organization.current()
    organization_services.update_requisites(
        by=director,
        expected_version=requisites.version,
        licence_number="Л035-01234-69/00123456",
        licence_date=dt.date(2021, 2, 1),
    )
    text = pdf_text(pdf.render_pdf([petrov]))
    assert (
        "Лицензия на осуществление образовательной деятельности № Л035-01234-69/00123456 от 01.02.2021"
        in text
    )
    blank = pdf_text(pdf.render_pdf([petrov], blank=True))
    assert "г. Тверь" in blank and "О. В. Кузнецова" in blank and "М. О. Соколова" in blank


def test_printed_text_keeps_numbers_initials_and_date_ranges_on_one_line(issued):
    smirnova = issued[1]
    html = render_to_string("documents/pdf/pk.html", pdf.document_context(smirnova))
    nbsp = "\u00a0"
    assert f"№{nbsp}{smirnova.registration_number}" in html
    assert f"О.{nbsp}В.{nbsp}Кузнецова" in html and f"М.{nbsp}О.{nbsp}Соколова" in html
    assert f"с{nbsp}01.09.2026{nbsp}по{nbsp}" in html
    assert f"г.{nbsp}Тверь" in html


def test_pdf_text_is_never_justified_without_hyphenation():
    """Justified text without hyphenation opens rivers of spaces: every PDF template either
    aligns left or hyphenates (lang="ru")."""
    roots = [Path(django_settings.BASE_DIR) / "zachetka"]
    templates = [
        path
        for root in roots
        for path in root.rglob("*.html")
        if "pdf" in path.name or path.parent.name == "pdf"
    ]
    assert len(templates) >= 10
    for path in templates:
        source = path.read_text(encoding="utf-8")
        for rule in re.findall(r"\{[^{}]*text-align:\s*justify[^{}]*\}", source):
            assert "hyphens: auto" in rule, f"{path.name}: {rule}"
        if "<html" in source:
            assert 'lang="ru"' in source, path.name


def test_study_certificate_lists_only_the_modules_passed(
    course, teacher, director, registrar, requisites, pdf_text
):
    """Смирнова passed the credit module (Введение), Петров failed it; neither sat the exam
    module (Практикум). Both were expelled."""
    statement = attestation.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["credit"], held_on=dt.date(2026, 11, 10)
    )
    attestation.set_result(by=teacher, protocol=statement, enrollment=course["own"], text="зачтено")
    attestation.set_result(by=teacher, protocol=statement, enrollment=course["classmate"], text="не зачтено")
    attestation.set_result(by=teacher, protocol=statement, enrollment=course["third"], text="н")
    attestation.sign_protocol(by=teacher, protocol=statement)
    _expel(course["own"], director)
    _expel(course["classmate"], director, order="102-к", reason="невыполнение учебного плана")

    smirnova = services.issue_study_certificate(by=registrar, enrollment=course["own"], issued_on=ISSUED)
    text = pdf_text(pdf.render_pdf([smirnova]), layout=True)
    assert "она обучалась с 01.09.2026 по 20.11.2026" in text
    assert "отчислена приказом № 101-к от 20.11.2026; основание отчисления — по собственному желанию" in text
    assert "1 Введение 36 зачёт зачтено" in text and "Всего 36" in text
    assert "Практикум" not in text  # not attempted: not listed as mastered
    assert "Квалификация" not in text and "присвоен" not in text  # a справка asserts no qualification

    petrov = services.issue_study_certificate(by=registrar, enrollment=course["classmate"], issued_on=ISSUED)
    text = pdf_text(pdf.render_pdf([petrov]))
    assert "он обучался" in text and "отчислен приказом № 102-к от 20.11.2026" in text
    assert "Введение" not in text and "Практикум" not in text  # failed and not attempted
    assert "Промежуточную аттестацию с положительным результатом он не прошёл ни по одному модулю" in text
    for document in (smirnova, petrov):
        assert "(а)" not in pdf_text(pdf.render_pdf([document]))


def test_study_certificate_after_a_failed_final_attestation_says_so(
    course, pass_all_modules, draw_up_final, director, registrar, requisites, pdf_text, blank_stock
):
    pass_all_modules(failing=course["third"])
    protocol = draw_up_final()
    attestation.set_result(by=director, protocol=protocol, enrollment=course["own"], text="5")
    attestation.set_result(by=director, protocol=protocol, enrollment=course["classmate"], text="2")
    attestation.set_attendance(
        by=director, protocol=protocol, present=[course["chair"].pk, course["secretary"].pk]
    )
    attestation.sign_protocol(by=course["chair"], protocol=protocol)
    protocol = attestation.sign_protocol(by=course["secretary"], protocol=protocol)
    documents = services.issue_from_protocol(
        by=registrar, protocol=protocol, issued_on=ISSUED, first_number="000200"
    )
    petrov = next(d for d in documents if d.kind == Document.Kind.STUDY_CERTIFICATE)
    text = pdf_text(pdf.render_pdf([petrov]), layout=True)
    assert (
        "Итоговую аттестацию он не прошёл: итоговый экзамен, результат — неудовлетворительно (2) "
        f"(протокол № {protocol.number} от 25.11.2026)"
    ) in text
    # Both modules were passed: listed with their results in words.
    assert "1 Введение 36 зачёт зачтено" in text and "2 Практикум 36 экзамен хорошо (4)" in text


@pytest.fixture
def diplomas(course, pass_all_modules, director, registrar, requisites):
    """The course's program taught as professional retraining: Смирнова defends «Цифровой след
    урока» for 5, Петров «Облачный класс» for 4; diplomas on blanks ПП 000301–000302 (the range
    ПП 000301–000400 in stock)."""
    blank_services.receive_range(
        by=director,
        form="pp",
        series="ПП",
        first_number="000301",
        last_number="000400",
        received_on=dt.date(2026, 9, 1),
        supplier_document="Товарная накладная № 9 от 01.09.2026",
    )
    Program.objects.filter(pk=course["group"].program_id).update(
        kind=Program.Kind.RETRAINING, qualification="Методист цифрового обучения"
    )
    pass_all_modules(failing=course["third"])
    protocol = attestation.create_final_protocol(
        by=director,
        group=course["group"],
        held_on=dt.date(2026, 11, 25),
        form="defense",
        commission=course["commission"],
        scale=course["five"],
    )
    for key, value, topic in (("own", "5", "Цифровой след урока"), ("classmate", "4", "Облачный класс")):
        attestation.set_result(
            by=director, protocol=protocol, enrollment=course[key], text=value, work_topic=topic
        )
    attestation.set_attendance(
        by=director, protocol=protocol, present=[course["chair"].pk, course["secretary"].pk]
    )
    attestation.sign_protocol(by=course["chair"], protocol=protocol)
    protocol = attestation.sign_protocol(by=course["secretary"], protocol=protocol)
    return services.issue_from_protocol(
        by=registrar, protocol=protocol, issued_on=ISSUED, series="ПП", first_number="000301"
    )


def test_diploma_has_a_supplement_with_every_module_and_the_final_attestation(diplomas, pdf_text):
    petrov, smirnova = diplomas
    assert smirnova.kind == Document.Kind.RETRAINING_DIPLOMA
    pages = pdf_text(pdf.render_pdf([smirnova]), pages=True, layout=True)
    assert len(pages) == 2
    assert "Диплом действителен с приложением" in pages[0]
    supplement = pages[1]
    assert (
        f"Приложение к диплому о профессиональной переподготовке рег. № {smirnova.registration_number}"
        in supplement
    )
    assert "Смирнова Анна Сергеевна" in supplement
    assert "1 Введение 36 зачёт зачтено" in supplement
    assert "2 Практикум 36 экзамен хорошо (4)" in supplement
    final = supplement[supplement.index("Итоговая аттестация") : supplement.index("Общий объём")]
    for words in ("№ ИА-2026-0001 от 25.11.2026", "«Цифровой след урока»", "защита итоговой", "отлично (5)"):
        assert words in final, words
    assert "Общий объём программы 72" in supplement
    assert "Директор О. В. Кузнецова" in supplement  # signed like the diploma
    assert "хорошо (4)" in pdf_text(pdf.render_pdf([petrov]), pages=True)[1]


def test_diploma_supplement_prints_on_its_blank_too(diplomas, pdf_text):
    smirnova = diplomas[1]
    pages = pdf_text(pdf.render_pdf([smirnova], blank=True), pages=True)
    assert len(pages) == 2
    assert "Смирнова Анна Сергеевна" in pages[0] and "приложение" not in pages[0].lower()
    supplement = pages[1]
    for cell in (
        "Введение",
        "зачтено",
        "Практикум",
        "хорошо (4)",
        "72 часа",
        "Цифровой след урока",
        "отлично (5)",
    ):
        assert cell in supplement, cell


def test_a_document_no_longer_valid_prints_its_mark_across_every_page(
    diplomas, director, registrar, pdf_text
):
    petrov, smirnova = diplomas
    valid = pdf_text(pdf.render_pdf([petrov]))
    assert "НЕДЕЙСТВИТЕЛЕН" not in valid
    services.revoke(by=director, document=petrov, reason="Выдан по ошибке")
    petrov.refresh_from_db()
    pages = pdf_text(pdf.render_pdf([petrov]), pages=True)
    for page in pages:  # the diploma and its supplement
        assert "АННУЛИРОВАН · ДОКУМЕНТ НЕДЕЙСТВИТЕЛЕН" in page
    assert "Основание: Выдан по ошибке" in pages[0]
    assert "АННУЛИРОВАН" in pdf_text(pdf.render_pdf([petrov], blank=True))

    duplicate = services.issue_duplicate(
        by=registrar, original=smirnova, issued_on=ISSUED, series="ПП", number="000400", reason="Утрата"
    )
    smirnova.refresh_from_db()
    text = pdf_text(pdf.render_pdf([smirnova]))
    assert "ДУБЛИКАТ ВЫДАН · ДОКУМЕНТ НЕДЕЙСТВИТЕЛЕН" in text
    assert f"Взамен выдан документ рег. № {duplicate.registration_number} от 27.11.2026" in text
    # The duplicate says so above its title, not in small print below it.
    text = pdf_text(pdf.render_pdf([duplicate]))
    assert text.index("ДУБЛИКАТ") < text.index("ДИПЛОМ О ПРОФЕССИОНАЛЬНОЙ")
    assert "НЕДЕЙСТВИТЕЛЕН" not in text
    assert f"Выдан взамен утраченного документа рег. № {smirnova.registration_number}" in text

    services.destroy_blank(by=registrar, document=duplicate, reason="Опечатка в фамилии")
    duplicate.refresh_from_db()
    assert "БЛАНК УНИЧТОЖЕН · ДОКУМЕНТ НЕДЕЙСТВИТЕЛЕН" in pdf_text(pdf.render_pdf([duplicate]))


def _page_size(content: bytes) -> tuple[float, float]:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.skip("PDF-тест пропущен: установите poppler-utils (apt-get install poppler-utils).")
    info = subprocess.run([pdfinfo, "-"], input=content, capture_output=True, check=True).stdout.decode()  # noqa: S603
    width, height = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()
    return float(width), float(height)


def test_registry_book_is_landscape_with_numbers_and_dates_unbroken(
    client, graduated, registrar, requisites, settings, pdf_text, job_file
):
    # A longer registration number than the default format's, as an organisation may set.
    settings.DOCUMENT_REGISTRATION_FORMAT = "УОЦ-ДПО-{year}-{seq:06d}"
    documents = services.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=ISSUED, series="ПК", first_number="000118"
    )
    client.force_login(registrar)
    content = job_file(client, f"{reverse('documents:registry_pdf')}?year=2026").content
    width, height = _page_size(content)
    assert width > height  # landscape
    text = pdf_text(content)
    assert FULL_NAME in text and "г. Тверь" in text
    assert "Подпись получателя Выдан по доверенности / отправлен почтой (реквизиты)" in text
    for document in documents:
        assert document.registration_number in text
        assert document.number in text
    assert text.count("27.11.2026") == 2 and "25.11.2026" in text
    assert f"№ {graduated.number}" in text  # the protocol's number, whole


def test_registry_columns_fit_their_longest_token():
    rows = [
        [
            "1",
            "УОЦ-ДПО-2026-000001",
            "27.11.2026",
            "удостоверение о ПК",
            "ПК-000118",
            "Иванов Иван",
            "«Программа», 72 ч",
            "ПК-2026-01",
            "№ ИА-2026-0001 от 25.11.2026",
            "действителен",
            "",
            "",
        ]
    ]
    widths = export.pdf_column_widths(rows)
    assert widths[6] is None  # the program takes what is left
    assert widths[1] > export.COLUMNS[1].pdf_mm  # grown to the long number
    assert sum(width for width in widths if width) < export.PDF_WIDTH_MM - 30


def test_due_list_cites_the_article_that_sets_the_three_days(client, course, director, registrar):
    _expel(course["own"], director)
    client.force_login(registrar)
    page = client.get(reverse("documents:due_list")).content.decode()
    assert "ч. 5 ст. 61 273-ФЗ" in page and "ч. 12 ст. 60 273-ФЗ" in page
    assert "(ч. 12 ст. 60 273-ФЗ).</p>" not in page  # no longer cited for the term
    assert "отчислена приказом № 101-к от 20.11.2026" in page
    assert selectors.STUDY_CERTIFICATE_DAYS == 3
