# ruff: noqa: E501 - the fixed OOXML parts read best as one line each
"""A hand-written OOXML writer for printable table workbooks (the gradebook: 300 × 200 cells
per sheet in a fraction of a second, where openpyxl took seconds).

Each sheet is a title block above a table: a bold header row (wrapping, optionally turned on its
side), bordered body cells, columns fitted as core.xlsx's `fit_columns` fits them, and the print
layout of core.xlsx's `print_as_landscape_table`: landscape A4, fit to one page wide, the header
row repeated on every page, panes frozen under the header and right of the name columns, the
page number in the footer. Text is always a text cell (never a formula), numbers are numbers.
"""

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

# Characters XML 1.0 cannot carry; they are dropped from cell text.
_CONTROL = {code: None for code in (*range(0, 9), 11, 12, *range(14, 32))}

# Cell styles (indexes into cellXfs below).
TITLE, PLAIN, HEAD, HEAD_ROTATED, BODY, BODY_CENTER, BODY_FAIL, BODY_WRAP = range(8)
_HEAD_STYLES = (HEAD, HEAD_ROTATED)
FAIL_COLOR = "B3261E"
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="4"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="12"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font><font><sz val="11"/><color rgb="FF{FAIL_COLOR}"/><name val="Calibri"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFEEF1F7"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin"><color rgb="FF999999"/></left><right style="thin"><color rgb="FF999999"/></right><top style="thin"><color rgb="FF999999"/></top><bottom style="thin"><color rgb="FF999999"/></bottom><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="8">
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="2" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>
<xf numFmtId="0" fontId="2" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" textRotation="90" wrapText="1"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment horizontal="center"/></xf>
<xf numFmtId="0" fontId="3" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

Value = str | int | float | Decimal | None


def _text(value: str) -> str:
    return escape(value.translate(_CONTROL))


_letter = get_column_letter


def _shown_width(value: Value) -> int:
    if value is None:
        return 0
    return max((len(line) for line in str(value).splitlines()), default=0)


@dataclass
class Sheet:
    """One sheet: title lines, then the table from `header_row` (1-based) down; a header cell
    styled HEAD_ROTATED stands on its side. `freeze_column` is the first column that scrolls."""

    title: str
    header_row: int
    freeze_column: int = 3
    footer_right: str = ""
    header_height: float = 120
    minimum_width: int = 5
    maximum_width: int = 60
    _rows: list[str] = field(default_factory=list)
    _widths: dict[int, int] = field(default_factory=dict)
    _last_column: int = 1
    _row: int = 0
    # A cell's XML after its reference, and its width, by (type, value, style): a gradebook
    # holds few distinct grades, so most cells are a look-up.
    _cells: dict[tuple, tuple[str, int]] = field(default_factory=dict)

    def add_row(self, cells: list[tuple[Value, int]], *, table: bool = True) -> None:
        """Append a row of (value, style) cells. Rows outside the table (`table=False`, the
        title lines) do not widen the columns."""
        self._row += 1
        number, widths, known = str(self._row), self._widths, self._cells
        out = []
        for column, (value, style) in enumerate(cells, start=1):
            key = (type(value), value, style)
            try:
                tail, width = known[key]
            except KeyError:
                tail, width = known[key] = self._cell(value, style)
            out.append(f'<c r="{_letter(column)}{number}"{tail}')
            if table and width >= widths.get(column, 0):
                widths[column] = width
        self._last_column = max(self._last_column, len(cells))
        height = f' ht="{self.header_height}" customHeight="1"' if self._row == self.header_row else ""
        self._rows.append(f'<row r="{number}"{height}>{"".join(out)}</row>')

    def _cell(self, value: Value, style: int) -> tuple[str, int]:
        if value is None or value == "":
            return f' s="{style}"/>', 0
        if isinstance(value, str):
            if style == BODY and len(value) > self.maximum_width:
                style = BODY_WRAP  # longer than a column may be: it wraps
            if style == HEAD_ROTATED:
                width = 0
            elif style == HEAD:  # a header wraps: its longest word must fit
                width = max((len(word) for word in value.split()), default=0)
            else:
                width = _shown_width(value)
            return (
                f' s="{style}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>',
                width,
            )
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return f' s="{style}"><v>{value}</v></c>', len(str(value))
        raise TypeError(f"A cell takes text or a number, not {type(value).__name__}.")

    def xml(self) -> str:
        low, high = self.minimum_width, self.maximum_width
        cols = "".join(
            f'<col min="{n}" max="{n}" width="{min(max(width + 2, low), high)}" customWidth="1"/>'
            for n, width in sorted(self._widths.items())
        )
        top_left = f"{get_column_letter(self.freeze_column)}{self.header_row + 1}"
        footer = "&amp;CСтр. &amp;P из &amp;N"
        if self.footer_right:
            footer += "&amp;R" + _text(self.footer_right.replace("&", "&&"))
        return (
            f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<dimension ref="A1:{get_column_letter(self._last_column)}{max(self._row, 1)}"/>'
            '<sheetViews><sheetView workbookViewId="0">'
            f'<pane xSplit="{self.freeze_column - 1}" ySplit="{self.header_row}" topLeftCell="{top_left}" '
            'activePane="bottomRight" state="frozen"/><selection pane="bottomRight"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            f"{f'<cols>{cols}</cols>' if cols else ''}"
            f"<sheetData>{''.join(self._rows)}</sheetData>"
            '<printOptions gridLines="0"/>'
            '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
            '<pageSetup orientation="landscape" paperSize="9" fitToWidth="1" fitToHeight="0"/>'
            f"<headerFooter><oddFooter>{footer}</oddFooter></headerFooter>"
            "</worksheet>"
        )


def workbook(sheets: list[Sheet]) -> bytes:
    """The XLSX file of `sheets` (at least one; titles already valid and unique)."""
    if not sheets:
        sheets = [Sheet(title="Лист", header_row=1)]
    count = len(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    content_types = (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>"
    )
    relationships = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    workbook_rels = (
        f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{relationships}<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )
    entries = "".join(
        f'<sheet name={quoteattr(sheet.title)} sheetId="{n}" r:id="rId{n}"/>'
        for n, sheet in enumerate(sheets, start=1)
    )
    # The header row is printed on every page: the sheet's «Print_Titles» name.
    names = "".join(
        f'<definedName name="_xlnm.Print_Titles" localSheetId="{n}">'
        f"{escape(_quoted(sheet.title))}!${sheet.header_row}:${sheet.header_row}</definedName>"
        for n, sheet in enumerate(sheets)
    )
    book = (
        f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f"<sheets>{entries}</sheets><definedNames>{names}</definedNames></workbook>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=5) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/styles.xml", _STYLES)
        for n, sheet in enumerate(sheets, start=1):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", sheet.xml())
    return buffer.getvalue()


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"
