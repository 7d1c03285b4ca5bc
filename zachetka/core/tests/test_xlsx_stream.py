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
