import pytest
from openpyxl import load_workbook

from zachetka.core.xlsx_stream import StreamingSheet


def test_rows_read_back_with_escaping_protection_and_dimensions(tmp_path):
    path = tmp_path / "out.xlsx"
    with StreamingSheet(path, "Шаблон", protected=True) as sheet:
        sheet.write_row(["Фамилия", "Имя", "Примечание"], bold=True)
        sheet.write_row(["О'Нил", "", "a & <b> \x01c"])
        for n in range(2500):  # more than one batch of rows
            sheet.write_row([f"Ряд {n}", "Иван", " с пробелами "])
    workbook = load_workbook(path)
    grid = workbook.active
    assert grid.title == "Шаблон" and grid.protection.sheet
    assert grid.dimensions == "A1:C2502"
    assert [c.value for c in grid[2]] == ["О'Нил", None, "a & <b> c"]
    assert grid["A2502"].value == "Ряд 2499" and grid["C3"].value == " с пробелами "
    assert grid["A1"].font.bold and not grid["A2"].font.bold
    streamed = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert len(streamed) == 2502 and all(len(row) == 3 for row in streamed)


def test_a_failure_inside_the_block_leaves_no_file(tmp_path):
    path = tmp_path / "broken.xlsx"
    with pytest.raises(RuntimeError), StreamingSheet(path, "Лист") as sheet:
        sheet.write_row(["a"])
        raise RuntimeError("stop")
    assert not path.exists()


def test_numbers_and_dates_are_typed_and_columns_fit_their_values(tmp_path):
    import datetime as dt

    path = tmp_path / "typed.xlsx"
    with StreamingSheet(path, "Лист") as sheet:
        sheet.write_row(["Дата выдачи документа", "Баллы", "Итог", "Когда"], bold=True)
        sheet.write_row(
            [dt.date(2026, 3, 8), 87, "не зачтено", dt.datetime(2026, 11, 29, 21, 30, tzinfo=dt.UTC)]
        )
        sheet.write_row(["=1+1", 4.5, "", None])
    grid = load_workbook(path).active
    assert grid["A2"].is_date and grid["A2"].value == dt.datetime(2026, 3, 8)  # noqa: DTZ001
    assert grid["A2"].number_format == "DD.MM.YYYY"
    # 21:30 UTC is 00:30 the next day in the centre (Europe/Moscow).
    assert grid["D2"].value == dt.datetime(2026, 11, 30, 0, 30)  # noqa: DTZ001
    assert grid["D2"].number_format == "DD.MM.YYYY HH:MM"
    assert grid["B2"].value == 87 and grid["B2"].data_type == "n" and grid["B3"].value == 4.5
    assert grid["A3"].value == "=1+1" and grid["A3"].data_type == "s"
    assert grid.column_dimensions["C"].width >= len("не зачтено") + 1
    assert grid.column_dimensions["A"].width >= len("ДД.ММ.ГГГГ")
    # The header wraps: the longest word «документа» sets no more than the date does.
    assert grid.column_dimensions["A"].width < len("Дата выдачи документа")
    assert grid.column_dimensions["D"].width >= len("ДД.ММ.ГГГГ ЧЧ:ММ")
