"""Hostile import files: a tiny workbook that declares or uses a huge sheet, XML with a DTD,
zip bombs and lying archives, CSV with endless rows or columns. Each is refused with a
message on the import page before any reader allocates for it."""

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zachetka.core import xlsx_guard
from zachetka.people import importing
from zachetka.people.models import Learner

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER_CELLS = (
    '<c r="A1" t="inlineStr"><is><t>Фамилия</t></is></c><c r="B1" t="inlineStr"><is><t>Имя</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>Дата рождения</t></is></c><c r="D1" t="inlineStr"><is><t>Пол</t></is></c>'
)
LEARNER_CELLS = (
    '<c r="A2" t="inlineStr"><is><t>Иванов</t></is></c><c r="B2" t="inlineStr"><is><t>Иван</t></is></c>'
    '<c r="C2" t="inlineStr"><is><t>15.03.1985</t></is></c><c r="D2" t="inlineStr"><is><t>М</t></is></c>'
)
LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" if n > 1 else "&lol;"}' * 10 + '">' for n in range(1, 10))
    + "]>"
)


def workbook(
    sheet_data: str, *, head: str = "", prolog: str = "", extra: dict[str, bytes] | None = None
) -> bytes:
    """A minimal XLSX written part by part, so that a test controls every byte of the sheet."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Слушатели" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">{head}'
            f"<sheetData>{sheet_data}</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def one_far_cell(ref: str) -> bytes:
    row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return workbook(
        f'<row r="1">{HEADER_CELLS}</row><row r="2">{LEARNER_CELLS}</row>'
        f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'
    )


def _upload(client, registrar, name: str, content: bytes):  # noqa: ANN001, ANN202
    client.force_login(registrar)
    return client.post(reverse("web:learner_import"), {"file": SimpleUploadedFile(name, content)})


def test_a_plain_workbook_of_this_kind_is_read():
    parsed = importing.parse_learners_file(
        "l.xlsx", workbook(f'<row r="1">{HEADER_CELLS}</row><row r="2">{LEARNER_CELLS}</row>')
    )
    assert parsed.errors == [] and parsed.rows[0].values["last_name"] == "Иванов"


@pytest.mark.parametrize(
    ("ref", "size"),
    [("XFD1048576", "строка 1\u00a0048\u00a0576"), ("GR100000", "строка 100\u00a0000")],
    ids=["XFD1048576", "GR100000"],
)
def test_one_far_cell_is_refused_on_the_import_page(client, registrar, ref, size):
    content = one_far_cell(ref)
    assert len(content) < 2000
    response = _upload(client, registrar, "learners.xlsx", content)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Лист «Слушатели» слишком велик" in page and size in page
    assert "не больше 20\u00a0000 строк и 60 столбцов" in page
    assert Learner.objects.count() == 0


def test_too_many_columns_names_the_cell(client, registrar):
    content = workbook(f'<row r="1">{HEADER_CELLS}<c r="BJ1" t="inlineStr"><is><t>x</t></is></c></row>')
    page = _upload(client, registrar, "learners.xlsx", content).content.decode()
    assert "в нём есть ячейка BJ1 (строка 1, столбец 62)" in page


def test_a_declared_size_beyond_the_limits_is_refused_though_the_cells_are_few(client, registrar):
    content = workbook(
        f'<row r="1">{HEADER_CELLS}</row><row r="2">{LEARNER_CELLS}</row>',
        head='<dimension ref="A1:XFD1048576"/>',
    )
    page = _upload(client, registrar, "learners.xlsx", content).content.decode()
    assert "он объявляет размер A1:XFD1048576 — 1\u00a0048\u00a0576 строк × 16\u00a0384 столбца" in page


_CHILD = """
import json, os, resource, sys
import django

def peak_mb():
    # VmHWM is this address space's peak: unlike ru_maxrss, it does not carry over the size of
    # the forked test run that exec'd this interpreter.
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024

django.setup()
from zachetka.people import importing
base_mb = peak_mb()
try:
    importing.parse_learners_file("learners.xlsx", sys.stdin.buffer.read())
    outcome = "read"
except importing.ImportFileError as error:
    outcome = str(error)
print(json.dumps({"outcome": outcome, "base_mb": base_mb, "peak_mb": peak_mb()}))
"""


def _limit_address_space() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


@pytest.mark.parametrize("ref", ["XFD1048576", "GR100000"])
def test_refusing_a_far_cell_costs_no_memory(ref):
    """In a child process of its own, so its peak memory is its own (and a reader asking for
    512 GiB takes down the child, not the test run)."""
    done = subprocess.run(  # noqa: S603 - this interpreter running a fixed script
        [sys.executable, "-c", _CHILD],
        input=one_far_cell(ref),
        capture_output=True,
        cwd=Path(__file__).resolve().parents[3],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_dev"},
        preexec_fn=_limit_address_space,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    report = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert "слишком велик" in report["outcome"]
    assert report["peak_mb"] < 300, report


def test_billion_laughs_in_a_sheet_with_formulas_is_refused_not_a_server_error(client, registrar):
    content = workbook(
        f'<row r="1">{HEADER_CELLS}</row><row r="2"><c r="A2" t="str"><f>1</f><v>&lol9;</v></c></row>',
        prolog=LAUGHS,
    )
    response = _upload(client, registrar, "learners.xlsx", content)
    assert response.status_code == 422
    assert "объявление DTD" in response.content.decode()


def test_a_dtd_in_any_part_is_refused(client, registrar):
    strings = f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY e "x">]><sst xmlns="{MAIN}"/>'
    content = workbook(
        f'<row r="1">{HEADER_CELLS}</row><row r="2">{LEARNER_CELLS}</row>',
        extra={"xl/sharedStrings.xml": strings.encode()},
    )
    assert "объявление DTD" in _upload(client, registrar, "learners.xlsx", content).content.decode()


def test_xml_that_is_not_well_formed_is_refused(client, registrar):
    content = workbook(f'<row r="1">{HEADER_CELLS}</row><row r="2"><c r="A2"><v>1</c></row>')
    response = _upload(client, registrar, "learners.xlsx", content)
    assert response.status_code == 422 and "ошибка XML" in response.content.decode()


def _central_size(content: bytes, name: str, size: int) -> bytes:
    """The archive with `name` declaring `size` unpacked bytes in its central directory entry,
    which is what readers trust."""
    entry = content.index(b"PK\x01\x02")
    while True:
        name_length = struct.unpack_from("<H", content, entry + 28)[0]
        if content[entry + 46 : entry + 46 + name_length] == name.encode():
            break
        entry = content.index(b"PK\x01\x02", entry + 4)
    return content[: entry + 24] + struct.pack("<I", size) + content[entry + 28 :]


GOOD_ROWS = f'<row r="1">{HEADER_CELLS}</row><row r="2">{LEARNER_CELLS}</row>'


def test_a_part_declaring_a_huge_unpacked_size_is_refused():
    content = _central_size(workbook(GOOD_ROWS), "xl/worksheets/sheet1.xml", 300 * 1024 * 1024)
    with pytest.raises(xlsx_guard.UnsafeWorkbook, match="после распаковки больше 200 МБ"):
        xlsx_guard.check_workbook(io.BytesIO(content), max_rows=100, max_columns=10)


def test_a_part_unpacking_to_more_than_it_declares_is_refused():
    content = _central_size(workbook(GOOD_ROWS), "xl/worksheets/sheet1.xml", 100)
    with pytest.raises(xlsx_guard.UnsafeWorkbook, match="повреждён"):
        xlsx_guard.check_workbook(io.BytesIO(content), max_rows=100, max_columns=10)


def test_an_archive_of_too_many_parts_is_refused():
    extra = {f"xl/media/image{n}.png": b"" for n in range(xlsx_guard.MAX_PARTS)}
    with pytest.raises(xlsx_guard.UnsafeWorkbook, match="больше 1000 частей"):
        xlsx_guard.check_workbook(io.BytesIO(workbook(GOOD_ROWS, extra=extra)), max_rows=100, max_columns=10)


def test_a_bomb_that_tells_the_truth_is_refused_by_its_size():
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part,
    ):
        for _ in range(201):
            part.write(b" " * (1024 * 1024))
    assert len(buffer.getvalue()) < 2 * 1024 * 1024
    with pytest.raises(xlsx_guard.UnsafeWorkbook, match="после распаковки больше 200 МБ"):
        xlsx_guard.check_workbook(buffer, max_rows=100, max_columns=10)


def test_csv_rows_beyond_the_limit_are_refused(settings, client, registrar):
    settings.IMPORT_MAX_ROWS = 50
    lines = ["Фамилия;Имя;Дата рождения;Пол"] + ["Иванов;Иван;15.03.1985;М"] * 50
    response = _upload(client, registrar, "l.csv", "\r\n".join(lines).encode())
    assert response.status_code == 422
    assert "В файле больше 50 строк (с заголовком)" in response.content.decode()


def test_csv_columns_beyond_the_limit_are_refused(client, registrar):
    lines = ["Фамилия;Имя;Дата рождения;Пол" + ";" * 60, "Иванов;Иван;15.03.1985;М"]
    page = _upload(client, registrar, "l.csv", "\r\n".join(lines).encode()).content.decode()
    assert "Строка 1: 64 столбца, а допускается не больше 60" in page


def test_a_csv_line_of_twenty_million_fields_is_refused_before_it_is_split(client, registrar):
    content = "Фамилия;Имя;Дата рождения;Пол\r\n".encode() + b";" * (19 * 1024 * 1024)
    page = _upload(client, registrar, "l.csv", content).content.decode()
    assert "Строка 2 длиннее 65536 символов" in page
