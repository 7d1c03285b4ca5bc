"""The access log extract as XLSX: text cells stay text (core.xlsx)."""

import datetime as dt
from io import BytesIO

from openpyxl import Workbook

from zachetka.accesslog.selectors import Access
from zachetka.core import xlsx
from zachetka.people.models import Learner

HEADERS = ("Дата и время", "Кто открыл (ФИО, роль)", "Что открыто", "Вид", "Слушателей в ответе")


def workbook(learner: Learner, since: dt.date, until: dt.date, rows: list[Access]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Журнал доступа"
    xlsx.write(sheet, 1, 1, f"Кто открывал сведения слушателя: {learner.full_name}")
    xlsx.write(sheet, 2, 1, f"Период: {since:%d.%m.%Y} — {until:%d.%m.%Y}")
    for column, title in enumerate(HEADERS, start=1):
        xlsx.write(sheet, 4, column, title).border = xlsx.BOX
    for row, access in enumerate(rows, start=5):
        values = (
            access.at.strftime("%d.%m.%Y %H:%M:%S"),
            access.who,
            access.what,
            access.kind,
            access.learner_count,
        )
        for column, value in enumerate(values, start=1):
            xlsx.write(sheet, row, column, value).border = xlsx.BOX
    for column, width in zip("ABCDE", (20, 50, 50, 10, 12), strict=True):
        sheet.column_dimensions[column].width = width
    xlsx.print_as_landscape_table(sheet, header_row=4)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def filename(learner: Learner, since: dt.date, until: dt.date) -> str:
    return f"Журнал доступа — {learner.short_name} — {since:%d.%m.%Y}–{until:%d.%m.%Y}.xlsx"
