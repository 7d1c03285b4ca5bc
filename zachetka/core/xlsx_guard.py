"""Looking inside an uploaded XLSX before any reader does, with the standard library only.

Spreadsheet readers lay a sheet out as a dense rectangle up to its farthest cell, and reserve
room for the size the sheet declares: a 1.7 KB workbook with one cell at XFD1048576 asks for
512 GiB and kills the worker. `check_workbook` reads the archive within fixed bounds (number of
parts, unpacked bytes, each part's CRC, XML without any DTD) and measures every worksheet,
both its declared <dimension> and its farthest cell, refusing one beyond the limits it is
given; only then may calamine or openpyxl open the file.
"""

import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pyexpat import ExpatError, ParserCreate
from typing import IO

from openpyxl.utils import get_column_letter

from zachetka.core.plural import plural_form

# An office workbook has a few dozen parts and unpacks to a few megabytes.
MAX_PARTS = 1000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
_CHUNK = 64 * 1024

_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOCUMENT_TYPES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
)
_DOCUMENT_RELATIONSHIPS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
# Worksheet elements count in the transitional and the strict namespace, and without one.
_SHEET_NAMESPACES = (
    "",
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
# Parts a reader may parse as XML besides the worksheets it is pointed to.
_XML_SUFFIXES = (".xml", ".rels", ".vml")


class UnsafeWorkbook(Exception):
    """The file is not read: the message, in Russian, says why."""


@dataclass
class SheetExtent:
    """A worksheet's size: the larger of what it declares and where its farthest cell is."""

    name: str
    rows: int = 0
    columns: int = 0
    has_formulas: bool = False


@dataclass(frozen=True)
class Limits:
    rows: int
    columns: int

    def describe(self) -> str:
        return f"не больше {_number(self.rows)} строк и {_number(self.columns)} столбцов"


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")


def _damaged(detail: str = "") -> UnsafeWorkbook:
    text = "Не удалось прочитать XLSX: файл повреждён или это не книга Excel"
    return UnsafeWorkbook(f"{text} ({detail})." if detail else f"{text}.")


def _refuse_dtd(*_: object) -> None:
    raise UnsafeWorkbook(
        "Файл XLSX содержит объявление DTD (<!DOCTYPE>), которого в книгах Excel не бывает; "
        "такой файл не читается. Сохраните таблицу заново в Excel или LibreOffice."
    )


def _parse(stream: IO[bytes], on_start: Callable[[str, dict], None] | None, budget: list[int]) -> None:
    """Stream one XML part through expat: no DTD, no entities, at most `budget[0]` bytes in all."""
    parser = ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    if on_start is not None:
        parser.StartElementHandler = on_start
    try:
        while chunk := stream.read(_CHUNK):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise _too_large()
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except ExpatError as error:
        raise _damaged(f"ошибка XML: {error}") from error


def _too_large() -> UnsafeWorkbook:
    return UnsafeWorkbook(
        f"Файл XLSX после распаковки больше {MAX_UNPACKED_BYTES // (1024 * 1024)} МБ — "
        "это не список слушателей. Разделите его на части."
    )


def _split(name: str) -> tuple[str, str]:
    """(namespace, local name) of an element name as expat reports it."""
    namespace, _, local = name.rpartition(" ")
    return namespace, local


def _relationships(archive: zipfile.ZipFile, part: str, budget: list[int]) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, part path) of a part, from its _rels file if there is one."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", f"{base}.rels")
    found: dict[str, tuple[str, str]] = {}

    def start(name: str, attrs: dict) -> None:
        if _split(name) == (_RELATIONSHIPS, "Relationship") and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[attrs.get("Id", "")] = (attrs.get("Type", ""), posixpath.normpath(path))

    if rels_name in archive.NameToInfo:
        with archive.open(rels_name) as stream:
            _parse(stream, start, budget)
    return found


def _sheet_names(archive: zipfile.ZipFile, budget: list[int]) -> dict[str, str]:
    """Worksheet part path → the sheet's name as the workbook lists it."""
    roots = _relationships(archive, "", budget)
    workbook = next(
        (path for kind, path in roots.values() if kind in _OFFICE_DOCUMENT_TYPES), "xl/workbook.xml"
    )
    if workbook not in archive.NameToInfo:
        raise _damaged("нет описания книги")
    targets = _relationships(archive, workbook, budget)
    names: dict[str, str] = {}

    def start(name: str, attrs: dict) -> None:
        namespace, local = _split(name)
        if local == "sheet" and namespace in _SHEET_NAMESPACES:
            rel = next((attrs[f"{ns} id"] for ns in _DOCUMENT_RELATIONSHIPS if f"{ns} id" in attrs), "")
            if rel in targets:
                names[targets[rel][1]] = attrs.get("name", targets[rel][1])

    with archive.open(workbook) as stream:
        _parse(stream, start, budget)
    return names


def _names(local: str) -> frozenset[str]:
    """The names expat reports for a worksheet element, with either namespace or none."""
    return frozenset(f"{ns} {local}" if ns else local for ns in _SHEET_NAMESPACES)


_CELL, _ROW, _FORMULA, _DIMENSION = _names("c"), _names("row"), _names("f"), _names("dimension")


def _rows_by_columns(rows: int, columns: int) -> str:
    return (
        f"{_number(rows)} {plural_form(rows, 'строка', 'строки', 'строк')} × "
        f"{_number(columns)} {plural_form(columns, 'столбец', 'столбца', 'столбцов')}"
    )


class _SheetMeter:
    """Follows a worksheet's rows and cells as expat reports them; refuses as soon as the sheet
    declares or reaches a size beyond the limits, so a huge sheet is not read to its end."""

    def __init__(self, extent: SheetExtent, limits: Limits) -> None:
        self.extent, self.limits = extent, limits
        self.row = 0
        self.column = 0

    def _refuse(self, what: str) -> UnsafeWorkbook:
        return UnsafeWorkbook(
            f"Лист «{self.extent.name}» слишком велик: {what}. Допускается {self.limits.describe()} — "
            "удалите лишние строки и столбцы (в том числе пустые, но оформленные) или разделите файл."
        )

    def start(self, name: str, attrs: dict) -> None:
        extent = self.extent
        if name in _CELL:
            ref = attrs.get("r")
            if ref is None:
                self.column += 1
            else:
                self.column, self.row = _cell(ref)
            if self.column > extent.columns:
                extent.columns = self.column
            if self.row > extent.rows:
                extent.rows = self.row
            if self.row > self.limits.rows or self.column > self.limits.columns:
                cell = f"{get_column_letter(min(self.column, 18278))}{self.row}"
                raise self._refuse(
                    f"в нём есть ячейка {cell} (строка {_number(self.row)}, столбец {_number(self.column)})"
                )
        elif name in _ROW:
            number = attrs.get("r")
            if number is not None and not number.isdigit():
                raise _damaged(f"номер строки «{number[:20]}»")
            self.row = int(number) if number is not None else self.row + 1
            self.column = 0
            extent.rows = max(extent.rows, self.row)
            if self.row > self.limits.rows:
                raise self._refuse(f"в нём есть строка {_number(self.row)}")
        elif name in _FORMULA:
            extent.has_formulas = True
        elif name in _DIMENSION:
            ref = attrs.get("ref", "A1")
            column, row = _cell(ref.split(":")[-1])
            if row > self.limits.rows or column > self.limits.columns:
                raise self._refuse(f"он объявляет размер {ref[:30]} — {_rows_by_columns(row, column)}")


def _cell(ref: str) -> tuple[int, int]:
    """(column, row) of a reference such as «XFD1048576»."""
    match = _CELL_REF.match(ref)
    if match is None:
        raise _damaged(f"адрес ячейки «{ref[:20]}»")
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return column, int(match.group(2))


@dataclass
class WorkbookFacts:
    sheets: list[SheetExtent]

    @property
    def has_formulas(self) -> bool:
        return any(sheet.has_formulas for sheet in self.sheets)


def check_workbook(content: IO[bytes], *, max_rows: int, max_columns: int) -> WorkbookFacts:
    """Measure every worksheet of an XLSX; raise UnsafeWorkbook if any part is out of bounds."""
    limits = Limits(rows=max_rows, columns=max_columns)
    try:
        with zipfile.ZipFile(content) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_PARTS:
                raise _damaged(f"в архиве больше {MAX_PARTS} частей")
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise _too_large()
            # Unpacked bytes actually read: zipfile stops at each part's declared size and
            # checks its CRC, so a part that lies about its size is refused, not unpacked.
            budget = [MAX_UNPACKED_BYTES]
            names = _sheet_names(archive, budget)
            sheets: list[SheetExtent] = []
            for info in infos:
                path = info.filename
                is_sheet = path in names or path.startswith("xl/worksheets/")
                if is_sheet and path.endswith(".rels"):
                    is_sheet = False
                if not is_sheet and not path.lower().endswith(_XML_SUFFIXES):
                    continue  # pictures and the like: no reader of learners opens them
                meter = None
                if is_sheet:
                    extent = SheetExtent(name=names.get(path, path))
                    sheets.append(extent)
                    meter = _SheetMeter(extent, limits)
                with archive.open(info) as stream:
                    _parse(stream, meter.start if meter else None, budget)
    except UnsafeWorkbook:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError) as error:
        raise _damaged() from error
    except (RuntimeError, NotImplementedError) as error:  # encrypted or unknown compression
        raise _damaged("архив зашифрован или сжат неизвестным методом") from error
    if not sheets:
        raise _damaged("в книге нет ни одного листа")
    return WorkbookFacts(sheets=sheets)
