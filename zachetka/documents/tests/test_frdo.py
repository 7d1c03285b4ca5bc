"""The ФИС ФРДО export: the template's columns and values, validation refusals, incremental
exports, duplicates' «(оригинала)» block; read back with openpyxl."""

import datetime as dt
import hashlib
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from zachetka.core.tests.xlsx_checks import assert_no_formula_and_values_fit
from zachetka.documents import frdo, services
from zachetka.documents.models import Document, FrdoExport

ISSUED = dt.date(2026, 11, 27)
PROGRAM_TYPE = (
    "Дополнительная профессиональная программа (повышение квалификации/ профессиональная переподготовка)"
)
TERMINATION = "Форма получения образования на момент прекращения образовательных отношений"


@pytest.fixture
def issued(graduated, registrar):
    return services.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=ISSUED, series="", first_number="000118"
    )


def _read(path_or_bytes) -> list[list[str]]:  # noqa: ANN001
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    sheet = load_workbook(source, read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _template_data(key: str) -> dict:
    return json.loads((frdo.TEMPLATE_DIR / f"{key}.json").read_text(encoding="utf-8"))


def test_dpo_export_matches_the_template_column_by_column(issued, registrar, tmp_path, course):
    out = tmp_path / "dpo.xlsx"
    call_command("export_frdo", str(out), template="dpo", year=2026, stdout=io.StringIO())
    rows = _read(out)
    data = _template_data("dpo")
    assert rows[0] == [column["title"] for column in data["columns"]] and len(rows[0]) == 40
    by_name = {row[21]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"Петров", "Смирнова"}
    smirnova = by_name["Смирнова"]
    learner = course["own"].learner
    expected = {
        "Вид документа": "Удостоверение о повышении квалификации",
        "Статус документа": "Оригинал",
        "Подтверждение утраты": "Нет",
        "Подтверждение обмена": "Нет",
        "Подтверждение уничтожения": "Нет",
        "Серия документа": "Нет",
        "Номер документа": "000119",
        "Дата выдачи документа": "27.11.2026",
        "Регистрационный номер": "2026-00002",
        PROGRAM_TYPE: "Повышение квалификации",
        "Наименование дополнительной профессиональной программы": "Цифровые инструменты педагога",
        "Год начала обучения (для документа о квалификации)": "2026",
        "Год окончания обучения (для документа о квалификации)": "2026",
        "Срок обучения, часов (для документа о квалификации)": "72",
        "Фамилия получателя": "Смирнова",
        "Имя получателя": "Анна",
        "Отчество получателя": "Сергеевна",
        "Дата рождения получателя": learner.birth_date.strftime("%d.%m.%Y"),
        "Пол получателя": "Жен",
        "СНИЛС": learner.snils_display,
        "Форма обучения": "Очная",
        "Источник финансирования обучения": "Платное обучение",
        TERMINATION: "в образовательной организации",
        "Гражданство получателя (код страны по ОКСМ)": "643",
        "Номер документа для изменения": "",
        "Регистрационный N (оригинала)": "",
    }
    assert {title: smirnova[title] for title in expected} == expected
    # The template's checker reads dates, years and hours as text (docs/sources.md § 1.5): they stay
    # text cells in a text-formatted column; the columns are wide enough for their values.
    sheet = load_workbook(out).active
    assert sheet.title == data["sheet"] and sheet.protection.sheet
    date_column = rows[0].index("Дата выдачи документа") + 1
    assert sheet.cell(row=2, column=date_column).data_type == "s"
    assert sheet.cell(row=2, column=date_column).value == "27.11.2026"
    assert_no_formula_and_values_fit(sheet, first_row=1)
    record = FrdoExport.objects.get()
    assert record.sha256 == hashlib.sha256(out.read_bytes()).hexdigest() and record.rows == 2
    assert Document.objects.filter(frdo_exported_at__isnull=True).count() == 0


def test_next_export_takes_only_what_is_new_or_changed_and_fills_the_original(issued, registrar, director):
    frdo.export(by=registrar, template_key="dpo", year=2026)
    with pytest.raises(Exception, match="Нет документов для выгрузки"):
        frdo.export(by=registrar, template_key="dpo", year=2026)
    petrov = issued[0]
    duplicate = services.issue_duplicate(
        by=registrar, original=petrov, issued_on=ISSUED, series="", number="000300", reason="Утрата"
    )
    record = frdo.export(by=registrar, template_key="dpo", year=2026)
    rows = _read(record.file.open("rb").read())
    header, body = rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert len(header) == 40 and len(body) == 2  # the lost original (changed) and its duplicate
    original_row, duplicate_row = body
    assert original_row["Регистрационный номер"] == petrov.registration_number
    assert original_row["Подтверждение утраты"] == "Да"
    # Sent before as valid: this row changes that record rather than adding a second one.
    assert original_row["Номер документа для изменения"] == petrov.registration_number
    assert duplicate_row["Номер документа для изменения"] == ""
    assert duplicate_row["Статус документа"] == "Дубликат"
    assert duplicate_row["Регистрационный N (оригинала)"] == petrov.registration_number
    assert duplicate_row["Номер (оригинала)"] == "000118"
    assert duplicate_row["Дата выдачи (оригинала)"] == "27.11.2026"
    assert duplicate_row["Фамилия получателя (оригинала)"] == "Петров"
    assert duplicate_row["Регистрационный номер"] == duplicate.registration_number


def test_a_bad_row_refuses_the_whole_export_naming_document_and_field(issued, registrar, course):
    learner = course["classmate"].learner
    learner.snils = "11223344596"  # wrong checksum, written around the form's validation
    learner.save()
    smirnova = course["own"].learner
    smirnova.citizenship = ""
    smirnova.save()
    with pytest.raises(frdo.FrdoRefused) as refusal:
        frdo.export(by=registrar, template_key="dpo", year=2026)
    problems = "\n".join(refusal.value.problems)
    assert "Рег. № 2026-00001 (Петров П. П.): «СНИЛС» — СНИЛС в формате 000-000-000 00" in problems
    assert (
        "Рег. № 2026-00002 (Смирнова А. С.): «Гражданство получателя (код страны по ОКСМ)» — не заполнено"
        in problems
    )
    assert not FrdoExport.objects.exists()
    assert Document.objects.filter(frdo_exported_at__isnull=False).count() == 0
    with pytest.raises(CommandError, match="ошибок — 2"):
        call_command("export_frdo", "/tmp/never.xlsx", template="dpo", year=2026, stdout=io.StringIO())  # noqa: S108


def test_row_rules_for_names_years_and_lists(issued):
    template = frdo.load("dpo")
    record = next(frdo.records(Document.objects.filter(pk=issued[0].pk)))
    record |= {"last_name": "Smith", "middle_name": "Иванович-", "sex": "X"}
    record["studied_to"] = dt.date(2025, 1, 1)
    _, problems = frdo.row_of(template, record, dt.date(2026, 11, 28))
    assert "«Фамилия получателя» — только русские буквы, пробел, дефис, точка, апостроф и скобки" in problems
    assert "«Отчество получателя» — не может заканчиваться пробелом или дефисом" in problems
    assert "«Пол получателя» — значение не из списка шаблона" in problems
    assert "год окончания обучения раньше года начала" in problems


def test_po_template_has_35_columns_and_takes_only_its_programs(issued, registrar):
    data = _template_data("po")
    assert len(data["columns"]) == 35
    with pytest.raises(Exception, match="Нет документов для выгрузки"):
        frdo.export(by=registrar, template_key="po", year=2026)


def test_frdo_page_lists_pending_and_exports(client, issued, registrar):
    client.force_login(registrar)
    url = reverse("documents:frdo")
    page = client.get(url).content.decode()
    assert "не выгружено" in page
    response = client.post(url, {"template": "dpo", "year": 2026, "only_new": "on"}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/jobs/")  # the export's job page
    record = FrdoExport.objects.get()
    assert record.rows == 2
    download = client.get(reverse("documents:frdo_file", args=[record.pk]))
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == record.sha256


def test_an_exchange_is_reported_with_the_original_and_the_new_name(issued, registrar, course):
    frdo.export(by=registrar, template_key="dpo", year=2026)
    smirnova = issued[1]
    learner = course["own"].learner
    learner.last_name = "Кузнецова"
    learner.save()
    new = services.exchange(
        by=registrar, original=smirnova, issued_on=ISSUED, series="", number="000400", reason="Смена фамилии"
    )
    record = frdo.export(by=registrar, template_key="dpo", year=2026)
    rows = _read(record.file.open("rb").read())
    body = {row[8]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    old, fresh = body[smirnova.registration_number], body[new.registration_number]
    assert old["Подтверждение обмена"] == "Да" and old["Фамилия получателя"] == "Смирнова"
    assert old["Номер документа для изменения"] == smirnova.registration_number
    assert fresh["Статус документа"] == "Дубликат" and fresh["Фамилия получателя"] == "Кузнецова"
    assert fresh["Фамилия получателя (оригинала)"] == "Смирнова"
    assert fresh["Регистрационный N (оригинала)"] == smirnova.registration_number


def test_frdo_page_lists_documents_past_the_reporting_deadline(client, issued, registrar, settings):
    client.force_login(registrar)
    page = client.get(reverse("documents:frdo")).content.decode()
    assert "Не выгружены в срок" not in page
    settings.FRDO_REPORT_DAYS = 0
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)):
        client.force_login(registrar)  # the earlier session has expired by then
        page = client.get(reverse("documents:frdo")).content.decode()
    assert "Не выгружены в срок" in page and issued[0].registration_number in page


def test_registry_book_as_xlsx_and_pdf(client, issued, registrar, pdf_text, job_file):
    client.force_login(registrar)
    response = job_file(client, f"{reverse('documents:registry_xlsx')}?year=2026")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0][-2:] == ["Подпись получателя", "Выдан по доверенности / отправлен почтой (реквизиты)"]
    assert [r[1] for r in rows[1:]] == ["2026-00001", "2026-00002"]
    assert rows[2][5] == "Смирнова Анна Сергеевна" and rows[2][4] == "000119"
    # The ordinal is a number, the date of issue a date; the blank's number keeps its zeros.
    assert rows[1][0] == 1 and sheet["A4"].data_type == "n"
    assert sheet["C4"].is_date and sheet["C4"].number_format == "DD.MM.YYYY"
    assert sheet.title == "Книга регистрации" and sheet.page_setup.orientation == "landscape"
    assert_no_formula_and_values_fit(sheet, first_row=3)
    text = pdf_text(job_file(client, f"{reverse('documents:registry_pdf')}?year=2026").content)
    assert "Книга регистрации выданных документов" in text and "Смирнова Анна Сергеевна" in text
