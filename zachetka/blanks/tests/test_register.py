"""The register of blanks of strict accountability: ranges received, one document per blank,
the next free blanks for a batch, spoiled blanks written off by an act; the database refuses a
second use of one series and number."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from zachetka.blanks import selectors
from zachetka.blanks import services as blanks
from zachetka.blanks.models import Blank, BlankForm, WriteOffAct
from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.documents import services as documents
from zachetka.documents.models import Document

ISSUED = dt.date(2026, 11, 27)


def _receive(by, series: str = "УД", first: str = "000001", last: str = "000010", form: str = "pk"):  # noqa: ANN001, ANN202
    return blanks.receive_range(
        by=by,
        form=form,
        series=series,
        first_number=first,
        last_number=last,
        received_on=dt.date(2026, 9, 1),
        supplier_document="Товарная накладная № 15 от 01.09.2026",
    )


def _stock(series: str) -> tuple[int, int, int, int]:
    (row,) = [row for row in selectors.stock() if row.series == series]
    return row.received, row.used, row.spoiled, row.left


def test_a_range_received_is_one_blank_per_number_and_audited(db, registrar):
    receipt = _receive(registrar, first="000998", last="001003")
    assert receipt.count == 6
    numbers = list(Blank.objects.filter(receipt=receipt).values_list("number", flat=True))
    assert numbers == ["000998", "000999", "001000", "001001", "001002", "001003"]
    assert set(Blank.objects.values_list("state", flat=True)) == {Blank.State.IN_STOCK}
    event = AuditEvent.objects.get(action=audit.Action.BLANKS_RECEIVED)
    assert event.data["after"]["count"] == 6 and event.actor_id == registrar.pk
    assert _stock("УД") == (6, 0, 0, 6)


def test_an_overlapping_range_is_refused_naming_the_first_clash(db, registrar):
    _receive(registrar, first="000100", last="000199")
    with pytest.raises(ValidationError, match="Бланк УД 000150 уже есть в реестре"):
        _receive(registrar, first="000150", last="000250")
    # «150» is the same printed number as «000150».
    with pytest.raises(ValidationError, match="Бланк УД 000199 уже есть в реестре"):
        _receive(registrar, first="199", last="300")
    assert Blank.objects.count() == 100
    _receive(registrar, series="ПК", first="000150", last="000160")  # another series is another blank


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("000010", "000001", "Последний номер меньше первого"),
        ("А-01", "Б-09", "Номера начинаются по-разному"),
        ("без", "000001", "должен оканчиваться цифрами"),
        ("000001", "0020000", "не больше 10000 бланков"),
        ("000001", "00010", "ожидается «000010»"),
    ],
)
def test_a_bad_range_is_refused_and_nothing_is_written(db, registrar, first, last, message):
    with pytest.raises(ValidationError, match=message):
        _receive(registrar, first=first, last=last)
    assert not Blank.objects.exists()


def test_only_the_registry_receives_blanks(db, curator):
    with pytest.raises(PermissionDenied):
        _receive(curator)


def test_a_duplicate_cannot_take_a_blank_already_on_another_document(graduated, registrar):
    """The defect: a duplicate took УД 001208, already on another document."""
    petrov, smirnova = documents.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=ISSUED, series="ПК", first_number="000118"
    )
    with pytest.raises(ValidationError, match=r"Бланк ПК 000119 уже использован \(рег. № 2026-00002\)"):
        documents.issue_duplicate(
            by=registrar, original=petrov, issued_on=ISSUED, series="ПК", number="000119", reason="Утрата"
        )
    petrov.refresh_from_db()
    assert petrov.is_valid and Document.objects.count() == 2
    with pytest.raises(ValidationError, match="нет в реестре бланков"):
        documents.exchange(
            by=registrar,
            original=smirnova,
            issued_on=ISSUED,
            series="ПК",
            number="000900",
            reason="Смена фамилии",
        )
    duplicate = documents.issue_duplicate(
        by=registrar, original=petrov, issued_on=ISSUED, series="ПК", number="000200", reason="Утрата"
    )
    assert Blank.objects.get(series="ПК", number="000200").document == duplicate


def test_the_database_refuses_a_second_document_on_one_blank(graduated, registrar, course):
    (document,) = documents.issue_from_protocol(
        by=registrar,
        protocol=graduated,
        issued_on=ISSUED,
        series="ПК",
        first_number="000118",
        enrollments=[course["own"]],
    )
    copy = {
        field.name: getattr(document, field.name)
        for field in Document._meta.concrete_fields
        if field.name
        not in {"id", "registration_number", "registration_seq", "verification_code", "enrollment"}
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(
            **copy, enrollment=course["classmate"], registration_number="2026-99999", registration_seq=99999
        )
    blank = Blank.objects.get(document=document)
    other = Blank.objects.get(series="ПК", number="000119")
    # The register itself: a used blank never carries another document, nor goes back in stock.
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Blank.objects.filter(pk=other.pk).update(state=Blank.State.USED, document=document)
    with pytest.raises(DatabaseError), transaction.atomic():
        Blank.objects.filter(pk=blank.pk).update(state=Blank.State.IN_STOCK, document=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Blank.objects.create(receipt=blank.receipt, form="pk", series="ПК", number="000118", seq=118)


def test_a_batch_takes_the_next_free_blanks_skipping_used_and_spoiled_ones(graduated, registrar, course):
    blanks.write_off_range(
        by=registrar,
        series="ПК",
        first_number="000119",
        last_number="",
        made_on=ISSUED,
        reason="Бланк порван при распаковке",
    )
    petrov, smirnova = documents.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=ISSUED, series="ПК", first_number="000118"
    )
    assert (petrov.number, smirnova.number) == ("000118", "000120")
    assert _stock("ПК") == (200 + 9, 2, 1, 206)
    assert Blank.objects.get(series="ПК", number="000121").state == Blank.State.IN_STOCK
    assert selectors.first_free("pk", "") == "000001"
    used = AuditEvent.objects.filter(action=audit.Action.BLANK_USED).values_list("data", flat=True)
    assert sorted(d["after"]["document"] for d in used) == [
        petrov.registration_number,
        smirnova.registration_number,
    ]


def test_a_batch_short_of_blanks_is_refused_naming_the_shortfall(graduated, registrar):
    _receive(registrar, series="МАЛО", first="000001", last="000001")
    with pytest.raises(ValidationError, match=r"на складе 1 бл., нужно 2: не хватает 1"):
        documents.issue_from_protocol(
            by=registrar, protocol=graduated, issued_on=ISSUED, series="МАЛО", first_number="000001"
        )
    with pytest.raises(ValidationError, match="Бланка МАЛО 000005 нет в реестре"):
        documents.issue_from_protocol(
            by=registrar, protocol=graduated, issued_on=ISSUED, series="МАЛО", first_number="000005"
        )
    assert not Document.objects.exists()
    assert _stock("МАЛО") == (1, 0, 0, 1)


def test_a_blank_of_another_form_is_refused(graduated, registrar):
    _receive(registrar, series="ДП", form=BlankForm.RETRAINING_DIPLOMA)
    with pytest.raises(ValidationError, match="бланк вида «диплом о профессиональной переподготовке»"):
        documents.issue_from_protocol(
            by=registrar, protocol=graduated, issued_on=ISSUED, series="ДП", first_number="000001"
        )


def test_a_spoiled_document_writes_its_blank_off_by_an_act(graduated, registrar, course):
    petrov, _ = documents.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=ISSUED, series="ПК", first_number="000118"
    )
    documents.destroy_blank(by=registrar, document=petrov, reason="Опечатка в отчестве")
    blank = Blank.objects.select_related("write_off").get(series="ПК", number="000118")
    assert blank.state == Blank.State.SPOILED and blank.document == petrov
    act = blank.write_off
    assert act.number.startswith("АС-") and act.made_by == registrar
    assert "Опечатка в отчестве" in act.reason and petrov.registration_number in act.reason
    event = AuditEvent.objects.get(action=audit.Action.BLANKS_WRITTEN_OFF)
    assert event.data["after"]["blanks"] == ["ПК 000118"]
    # The reissue goes on another blank; the spoiled one is gone for good.
    (again,) = documents.issue_from_protocol(
        by=registrar,
        protocol=graduated,
        issued_on=ISSUED,
        series="ПК",
        first_number="000120",
        enrollments=[course["classmate"]],
    )
    assert again.number == "000120"
    with pytest.raises(ValidationError, match=r"Бланк ПК 000118 испорчен и списан \(акт № АС-2026-001"):
        documents.issue_duplicate(
            by=registrar, original=again, issued_on=ISSUED, series="ПК", number="000118", reason="Утрата"
        )


def test_write_off_refuses_a_blank_not_in_stock_and_acts_are_numbered_in_order(graduated, registrar):
    documents.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=ISSUED, series="ПК", first_number="000118"
    )
    with pytest.raises(ValidationError, match=r"Бланк ПК 000118 не на складе \(использован\)"):
        blanks.write_off_range(
            by=registrar,
            series="ПК",
            first_number="000117",
            last_number="000119",
            made_on=ISSUED,
            reason="Брак",
        )
    with pytest.raises(ValidationError, match="Бланка с номером 300 серии «ПК» нет в реестре"):
        blanks.write_off_range(
            by=registrar,
            series="ПК",
            first_number="000299",
            last_number="000300",
            made_on=ISSUED,
            reason="Брак",
        )
    first = blanks.write_off_range(
        by=registrar, series="ПК", first_number="000120", last_number="000122", made_on=ISSUED, reason="Брак"
    )
    second = blanks.write_off_range(
        by=registrar, series="", first_number="000001", last_number="", made_on=ISSUED, reason="Брак"
    )
    assert (first.number, second.number) == ("АС-2026-001", "АС-2026-002")
    assert first.blanks.count() == 3 and WriteOffAct.objects.count() == 2


def test_blank_forms_are_the_documents_on_a_blank():
    assert set(BlankForm.values) == set(Document.ON_BLANK)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps DELETE open for the test suite's flush"
)
def test_postgres_refuses_to_delete_or_rewrite_the_register(graduated, registrar):
    receipt = _receive(registrar)
    for sql in (
        "DELETE FROM blanks_blank",
        "UPDATE blanks_blank SET number = '999999'",
        "UPDATE blanks_blankreceipt SET count = 1",
        "DELETE FROM blanks_blankreceipt",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert Blank.objects.filter(receipt=receipt).count() == 10
