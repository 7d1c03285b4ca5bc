import io
from decimal import Decimal

from openpyxl import load_workbook

from zachetka.core import xlsx_print
from zachetka.core.tests.xlsx_checks import assert_no_formula_and_values_fit


def _sheet(title: str = "Ведомость") -> xlsx_print.Sheet:
    sheet = xlsx_print.Sheet(title=title, header_row=2, footer_right="Подпись & печать")
    sheet.add_row([("Заголовок над таблицей, длиннее любой колонки таблицы", xlsx_print.TITLE)], table=False)
    sheet.add_row(
        [
            ("№", xlsx_print.HEAD),
            ("Фамилия Имя Отчество", xlsx_print.HEAD),
            ("10.09.2026\nКонтрольная работа", xlsx_print.HEAD_ROTATED),
        ]
    )
    return sheet


def test_text_stays_text_numbers_stay_numbers_and_nothing_is_a_formula():
    sheet = _sheet()
    sheet.add_row(
        [(1, xlsx_print.BODY), ('=HYPERLINK("http://x")', xlsx_print.BODY), (5, xlsx_print.BODY_CENTER)]
    )
    sheet.add_row(
        [(2, xlsx_print.BODY), ("Тест\x07 <b>&amp;", xlsx_print.BODY), (Decimal("4.5"), xlsx_print.BODY_FAIL)]
    )
    sheet.add_row([(3, xlsx_print.BODY), ("Я" * 70, xlsx_print.BODY), (None, xlsx_print.BODY_CENTER)])
    book = load_workbook(io.BytesIO(xlsx_print.workbook([sheet])))
    read = book["Ведомость"]
    assert read["B3"].value == '=HYPERLINK("http://x")' and read["B3"].data_type == "s"
    assert read["B4"].value == "Тест <b>&amp;"  # a control character dropped, markup kept as text
    assert read["C3"].value == 5 and read["C4"].value == 4.5 and read["C4"].data_type == "n"
    assert read["C4"].font.color.rgb.endswith(xlsx_print.FAIL_COLOR)
    assert read["C3"].font.color is None or not str(read["C3"].font.color.rgb).endswith(xlsx_print.FAIL_COLOR)
    assert read["C5"].value is None and read["C5"].border.left.style == "thin"  # an empty cell is boxed too
    assert read["B5"].alignment.wrap_text  # longer than a column may be: it wraps
    assert_no_formula_and_values_fit(read, first_row=2)
    # The title above the table does not widen column A; a rotated header needs no width.
    assert read.column_dimensions["A"].width == 5
    assert read.column_dimensions["B"].width == 60
    assert read.column_dimensions["C"].width == 5


def test_print_layout_survives_a_title_with_an_apostrophe():
    sheets = [_sheet("1. Д'Артаньян"), _sheet("2. Второй")]
    book = load_workbook(io.BytesIO(xlsx_print.workbook(sheets)))
    assert book.sheetnames == ["1. Д'Артаньян", "2. Второй"]
    for read in book.worksheets:
        assert read.print_title_rows == "$2:$2"
        assert read.freeze_panes == "C3"
        assert read.page_setup.orientation == "landscape"
        assert read.page_setup.paperSize == 9  # A4
        assert (read.page_setup.fitToWidth, read.page_setup.fitToHeight) == (1, 0)
        assert read.sheet_properties.pageSetUpPr.fitToPage
        assert read.oddFooter.center.text == "Стр. &P из &N"
        assert read.oddFooter.right.text == "Подпись && печать"  # «&» printed as itself
        assert read.row_dimensions[2].height == 120
        assert read["C2"].alignment.text_rotation == 90 and read["B2"].alignment.wrap_text
        assert read["B2"].font.b and read["B2"].fill.fgColor.rgb.endswith("EEF1F7")
