"""A streaming writer for one large XLSX sheet (e.g. 100,000 × 40 cells).

XlsxWriter's constant-memory mode streams too, but spends most of an export in its per-cell
checks; an export that must write four million cells in well under a minute writes the sheet
XML directly instead. Everything else in the project uses openpyxl or XlsxWriter.

The workbook holds one sheet with a bold header row and, optionally, sheet protection (the
ФИС ФРДО templates are protected sheets). Text is always a text cell (never a formula); numbers
are numbers and dates are spreadsheet dates shown as ДД.ММ.ГГГГ (core.xlsx's `write_value`).
Columns are as wide as their longest value (a header wraps and needs its longest word only),
measured while the rows are written.
"""

import datetime as dt
import shutil
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone
from openpyxl.utils import get_column_letter

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="DD.MM.YYYY"/><numFmt numFmtId="165" formatCode="DD.MM.YYYY HH:MM"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
# Characters XML 1.0 cannot carry; they are dropped from cell text.
_CONTROL = {code: None for code in (*range(0, 9), 11, 12, *range(14, 32))}
_BATCH_ROWS = 2000
_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - spreadsheets count local days from here
_DATE_STYLE, _DATETIME_STYLE = 3, 4
_MIN_WIDTH, _MAX_WIDTH = 8, 60

Value = str | int | float | Decimal | dt.date | None


def _serial(value: dt.date) -> str:
    """A date (or a time, as local wall time) as the spreadsheet's day number."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        days = (value - _EPOCH).total_seconds() / 86400
        return repr(round(days, 8))
    return str((value - _EPOCH.date()).days)


class StreamingSheet:
    """Write rows of text one after another; `close()` (or leaving `with`) finishes the file."""

    def __init__(self, path: Path | str, title: str, *, protected: bool = False) -> None:
        self._path, self._title, self._protected = path, title, protected
        # Rows go to a scratch file first: the sheet's <dimension>, which streaming readers read
        # before the rows, is known only at the end.
        self._body = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close() or __exit__
        self._letters: list[str] = []
        self._widths: list[int] = []  # the longest value of each column so far, in characters
        self._rows = 0
        self._pending: list[str] = []

    def write_row(self, values: list[Value], *, bold: bool = False) -> None:
        if not self._letters:
            self._letters = [get_column_letter(n) for n in range(1, len(values) + 1)]
            self._widths = [0] * len(values)
        self._rows += 1
        number, widths = self._rows, self._widths
        cells = []
        for index, (letter, value) in enumerate(zip(self._letters, values, strict=False)):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                text = value.translate(_CONTROL)
                style = ' s="1"' if bold else ""
                cells.append(
                    f'<c r="{letter}{number}" t="inlineStr"{style}><is><t xml:space="preserve">'
                    f"{escape(text)}</t></is></c>"
                )
                # A header wraps (bold style): its longest word must fit, not the whole title.
                width = max(map(len, text.split()), default=0) if bold else len(text)
            elif isinstance(value, dt.date):
                is_time = isinstance(value, dt.datetime)
                style = _DATETIME_STYLE if is_time else _DATE_STYLE
                cells.append(f'<c r="{letter}{number}" s="{style}"><v>{_serial(value)}</v></c>')
                width = 16 if is_time else 10
            elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
                width = len(str(value))
            else:
                raise TypeError(f"A cell takes text, a number or a date, not {type(value).__name__}.")
            if width > widths[index]:
                widths[index] = width
        self._pending.append(f'<row r="{number}">{"".join(cells)}</row>')
        if len(self._pending) >= _BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        self._body.write("".join(self._pending).encode())
        self._pending.clear()

    def _sheet_head(self) -> str:
        last = self._letters[-1] if self._letters else "A"
        widths = "".join(
            f'<col min="{n}" max="{n}" width="{min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)}" '
            'customWidth="1" style="2"/>'
            for n, width in enumerate(self._widths, start=1)
        )
        return (
            f'{_SHEET_START}<dimension ref="A1:{last}{max(self._rows, 1)}"/>'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" state="frozen"/>'
            f"</sheetView></sheetViews>{f'<cols>{widths}</cols>' if widths else ''}<sheetData>"
        )

    def close(self) -> None:
        self._flush()
        tail = "</sheetData>"
        if self._protected:
            tail += '<sheetProtection sheet="1" objects="1" scenarios="1"/>'
        workbook = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name={quoteattr(self._title)} sheetId="1" r:id="rId1"/></sheets></workbook>'
        )
        with zipfile.ZipFile(self._path, "w", zipfile.ZIP_DEFLATED, compresslevel=5) as archive:
            for name, content in (
                ("[Content_Types].xml", _CONTENT_TYPES),
                ("_rels/.rels", _ROOT_RELS),
                ("xl/workbook.xml", workbook),
                ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
                ("xl/styles.xml", _STYLES),
            ):
                archive.writestr(name, content)
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(self._sheet_head().encode())
                self._body.seek(0)
                shutil.copyfileobj(self._body, sheet, 1 << 20)
                sheet.write(f"{tail}</worksheet>".encode())
        self._body.close()

    def __enter__(self) -> "StreamingSheet":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
        else:
            self._body.close()
