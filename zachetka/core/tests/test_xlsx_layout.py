import datetime as dt
import io

from django.utils import timezone
from openpyxl import Workbook, load_workbook

from zachetka.core import xlsx


def _roundtrip(workbook: Workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return load_workbook(buffer).active


def test_sheet_titles_are_cut_at_a_word_and_cleaned():
    long_title = "Журнал успеваемости группы ПК-2025-01 — Охрана труда"
    assert xlsx.sheet_title(long_title) == "Журнал успеваемости группы"
    assert xlsx.sheet_title("Ведомость [1]: итог?") == "Ведомость 1 итог"
    assert len(xlsx.sheet_title("Б" * 40)) == 31
    assert xlsx.sheet_title("  ") == "Лист"


def test_dates_are_dates_numbers_are_numbers_and_text_stays_text():
    workbook = Workbook()
    sheet = workbook.active
    moment = dt.datetime(2026, 11, 29, 6, 30, tzinfo=dt.UTC)
    xlsx.write_value(sheet, 1, 1, dt.date(2026, 3, 8))
    xlsx.write_value(sheet, 1, 2, moment)
    xlsx.write_value(sheet, 1, 3, 87)
    xlsx.write_value(sheet, 1, 4, "=1+1")
    sheet = _roundtrip(workbook)
    assert sheet["A1"].is_date and sheet["A1"].value.date() == dt.date(2026, 3, 8)
    assert sheet["A1"].number_format == xlsx.DATE_FORMAT
    assert sheet["B1"].value == timezone.localtime(moment).replace(tzinfo=None)
    assert sheet["C1"].value == 87 and sheet["C1"].data_type == "n"
    assert sheet["D1"].value == "=1+1" and sheet["D1"].data_type == "s"


def test_columns_fit_their_longest_value():
    workbook = Workbook()
    sheet = workbook.active
    xlsx.write(sheet, 1, 1, "Очень длинный заголовок над таблицей, который не должен расширять столбец")
    xlsx.write(sheet, 3, 1, "Итог")
    xlsx.write(sheet, 4, 1, "не зачтено")
    xlsx.write(sheet, 3, 2, "x" * 200)
    xlsx.fit_columns(sheet, first_row=3)
    assert sheet.column_dimensions["A"].width >= len("не зачтено") + 1
    assert sheet.column_dimensions["A"].width < 20
    assert sheet.column_dimensions["B"].width == 60
    assert sheet["B3"].alignment.wrap_text
