"""Every XLSX export keeps text as text: a value typed as a formula is never a live formula in
the file, and reads back exactly as typed."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zachetka.blanks import services as blank_services
from zachetka.core import xlsx
from zachetka.core.xlsx_stream import StreamingSheet
from zachetka.documents import services as document_services
from zachetka.documents.models import Document
from zachetka.people.models import Learner
from zachetka.programs.models import Group

EVIL = '=HYPERLINK("http://evil","x")'
EVIL_SERIES = '=HYPERLINK("//e")'  # the series column holds 20 characters
HOSTILE_TEXTS = [EVIL, "=1+2", "#N/A", "#DIV/0!", "@SUM(A1)", "+7 912", "-2+3", "\t=1", "\r=1"]
# XML reads a bare carriage return back as a line feed; every other character comes back as is.
READ_BACK = [text.replace("\r", "\n") for text in HOSTILE_TEXTS]


def _formula_parts(content: bytes) -> list[str]:
    """Names of the worksheet parts holding a formula element, read from the raw XML."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and re.search(rb"<(\w+:)?f[ >/]", archive.read(name))
        ]


def _cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_text_only(content: bytes, *planted: str) -> None:
    assert _formula_parts(content) == []
    cells = _cells(content)
    assert [cell.coordinate for cell in cells if cell.data_type in ("f", "e")] == []
    values = [cell.value for cell in cells if isinstance(cell.value, str)]
    for text in planted:
        assert any(value.startswith(text) for value in values), text


def test_write_keeps_every_hostile_value_as_the_text_typed():
    workbook = Workbook()
    sheet = workbook.active
    for row, text in enumerate(HOSTILE_TEXTS, start=1):
        xlsx.write(sheet, row, 1, text)
    xlsx.write(sheet, len(HOSTILE_TEXTS) + 1, 1, "Иванов\x01\x1f Иван")
    xlsx.write(sheet, len(HOSTILE_TEXTS) + 2, 1, 42)
    buffer = io.BytesIO()
    workbook.save(buffer)
    _assert_text_only(buffer.getvalue())
    back = [row[0] for row in load_workbook(buffer).active.iter_rows(values_only=True)]
    assert back == [*READ_BACK, "Иванов Иван", 42]


@pytest.fixture
def planted(graduated, registrar, course):
    """The finished course with a group code and a learner's surname rewritten as formulas
    behind the forms' backs, then its documents issued on blanks whose series is a formula (an
    issued document itself never changes: the database refuses)."""
    Group.objects.filter(pk=course["group"].pk).update(code=EVIL)
    Learner.objects.filter(pk=course["own"].learner_id).update(last_name=EVIL)
    blank_services.receive_range(
        by=registrar,
        form="pk",
        series=EVIL_SERIES,
        first_number="000118",
        last_number="000119",
        received_on=graduated.held_on,
        supplier_document="Накладная № 1",
    )
    document_services.issue_from_protocol(
        by=registrar,
        protocol=graduated,
        issued_on=graduated.held_on,
        series=EVIL_SERIES,
        first_number="000118",
    )
    assert Document.objects.get(enrollment=course["own"]).last_name == EVIL
    return course


def test_consolidated_statement_xlsx_keeps_text(client, director, planted, job_file):
    client.force_login(director)
    url = reverse("attestation:group_summary_print", args=[planted["group"].pk])
    response = job_file(client, url, {"format": "xlsx"})
    _assert_text_only(response.content, f"{EVIL} Анна Сергеевна", f"Сводная ведомость группы {EVIL}")


def test_gradebook_xlsx_keeps_text(client, director, planted, job_file):
    client.force_login(director)
    response = job_file(client, reverse("gradebook:group_export_job", args=[planted["group"].pk]))
    _assert_text_only(response.content, f"{EVIL} Анна Сергеевна")


def test_registry_book_xlsx_keeps_text(client, director, planted, job_file):
    client.force_login(director)
    response = job_file(client, f"{reverse('documents:registry_xlsx')}?year=2026")
    _assert_text_only(response.content, EVIL, EVIL_SERIES, f"{EVIL} Анна Сергеевна")
    row = next(
        r
        for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        if r[5] == f"{EVIL} Анна Сергеевна"
    )
    assert row[7] == EVIL and row[4].startswith(EVIL_SERIES)


def test_blank_stock_xlsx_keeps_text(client, director, planted):
    client.force_login(director)
    response = client.get(reverse("blanks:stock_xlsx"))
    assert response.status_code == 200
    _assert_text_only(response.content, EVIL_SERIES)


def test_streaming_sheet_writes_inline_strings_never_formulas(tmp_path):
    path = tmp_path / "frdo.xlsx"
    with StreamingSheet(path, "Лист") as sheet:
        sheet.write_row(["Фамилия", "Серия"], bold=True)
        for text in HOSTILE_TEXTS:
            sheet.write_row([text, EVIL_SERIES])
    content = path.read_bytes()
    _assert_text_only(content, *READ_BACK)
    back = list(load_workbook(path).active.iter_rows(values_only=True))
    assert [row[0] for row in back[1:]] == READ_BACK


def test_exports_put_values_only_through_the_one_writer():
    """A new export that assigns cells itself would bring formulas back; it must call
    `xlsx.write` (the streaming sheet writes inline strings by construction)."""
    root = Path(__file__).resolve().parents[2]
    # Cell values set by hand: `.cell(..., value=...)`, `cell.value = ...`, `sheet["A1"] = ...`,
    # `sheet.append(...)`.
    direct = re.compile(r"\.cell\([^)]*value=|\.value\s*=[^=]|sheet\[[^\]]*\]\s*=[^=]|sheet\.append\(")
    writers = [
        path
        for path in root.rglob("*.py")
        if "tests" not in path.parts and "openpyxl import Workbook" in path.read_text(encoding="utf-8")
    ]
    assert len(writers) >= 3
    offending = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in writers
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if direct.search(line)
    ]
    assert offending == []
