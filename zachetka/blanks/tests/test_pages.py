"""The register's pages: stock by series (page and XLSX), receipt and write-off forms, a blank's
history, and the issue form offering the next free blanks."""

import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from zachetka.blanks.models import Blank, WriteOffAct
from zachetka.core.tests.xlsx_checks import assert_no_formula_and_values_fit
from zachetka.documents import services as documents
from zachetka.documents.models import Document

ISSUED = dt.date(2026, 11, 27)


def test_stock_page_and_xlsx_by_series(client, graduated, registrar, curator):
    documents.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=ISSUED, series="ПК", first_number="000118"
    )
    client.force_login(registrar)
    page = client.get(reverse("blanks:stock")).content.decode()
    assert "Поступление бланков" in page and "Товарная накладная № 7 от 01.09.2026" in page
    sheet = load_workbook(io.BytesIO(client.get(reverse("blanks:stock_xlsx")).content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0] == [
        "Вид бланка",
        "Серия",
        "Поступило",
        "Использовано",
        "Испорчено (списано)",
        "Остаток",
        "Первый свободный №",
    ]
    assert ["удостоверение о повышении квалификации", "ПК", 209, 2, 0, 207, "1"] in rows
    assert ["удостоверение о повышении квалификации", "без серии", 800, 0, 0, 800, "000001"] in rows
    assert sheet.title == "Остатки бланков" and sheet["C5"].data_type == "n"
    assert_no_formula_and_values_fit(sheet, first_row=3)
    # A curator sees the stock, not the receipts, acts or the forms.
    client.force_login(curator)
    page = client.get(reverse("blanks:stock")).content.decode()
    assert "207" in page and "Товарная накладная" not in page and "Поступление бланков" not in page


def test_receipt_form_registers_a_range_or_says_what_is_wrong(client, db, registrar):
    client.force_login(registrar)
    url = reverse("blanks:receipt_create")
    data = {
        "form": "pp",
        "series": "ДП",
        "first_number": "000010",
        "last_number": "000001",
        "received_on": "01.09.2026",
        "supplier_document": "Накладная № 4",
    }
    page = client.post(url, data).content.decode()
    assert "Последний номер меньше первого." in page and not Blank.objects.exists()
    response = client.post(url, data | {"last_number": "000019"}, follow=True)
    assert "Принято бланков: 10" in response.content.decode()
    assert Blank.objects.filter(series="ДП", form="pp").count() == 10


def test_write_off_form_makes_an_act_and_a_blank_shows_its_history(client, graduated, registrar):
    client.force_login(registrar)
    response = client.post(
        reverse("blanks:write_off_create"),
        {
            "series": "ПК",
            "first_number": "000150",
            "last_number": "000151",
            "made_on": "27.11.2026",
            "reason": "Брак печати",
        },
        follow=True,
    )
    act = WriteOffAct.objects.get()
    assert response.redirect_chain[-1][0] == act.get_absolute_url()
    assert "ПК 000150" in response.content.decode() and "Брак печати" in response.content.decode()
    blank = Blank.objects.get(series="ПК", number="000150")
    page = client.get(blank.get_absolute_url()).content.decode()
    assert (
        f"акт № {act.number}" in page and "Бланки списаны по акту" not in page
    )  # the act's event is the act's
    found = client.get(reverse("blanks:stock"), {"series": "ПК", "number": "000150"})
    assert found.url == blank.get_absolute_url()


def test_who_holds_a_used_blank_shows_only_within_the_documents_scope(
    client, graduated, registrar, curator, world
):
    petrov, _ = documents.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=ISSUED, series="ПК", first_number="000118"
    )
    blank = Blank.objects.get(document=petrov)
    client.force_login(registrar)
    page = client.get(blank.get_absolute_url()).content.decode()
    assert petrov.full_name in page and "Бланк использован для документа" in page
    client.force_login(curator)  # curates the group: sees the holder
    assert petrov.full_name in client.get(blank.get_absolute_url()).content.decode()
    client.force_login(world["other_curator"])
    world["other_curator"].groups.add(*curator.groups.all())
    page = client.get(blank.get_absolute_url()).content.decode()
    assert petrov.full_name not in page and petrov.registration_number not in page


def test_issue_form_offers_the_next_free_blanks_and_names_a_shortfall(client, graduated, registrar, course):
    client.force_login(registrar)
    url = reverse("documents:issue_from_protocol", args=[graduated.pk])
    page = client.get(url).content.decode()
    assert "Бланков понадобится: <b>2</b>" in page
    assert "без серии: на складе 800, первый свободный № 000001" in page
    assert 'name="first_number" value="000001"' in page
    data = {
        "issued_on": "27.11.2026",
        "series": "ПК",
        "first_number": "000299",
        "enrollments": [course["own"].pk, course["classmate"].pk],
    }
    page = client.post(url, data).content.decode()
    assert "на складе 1 бл., нужно 2: не хватает 1" in page and not Document.objects.exists()
    response = client.post(url, data | {"first_number": "000298"})
    assert response.status_code == 302
    assert sorted(Document.objects.values_list("number", flat=True)) == ["000298", "000299"]
