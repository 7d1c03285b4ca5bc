"""The access log extract as XLSX: text cells stay text (core.xlsx)."""

import datetime as dt
from io import BytesIO

from openpyxl import Workbook

from zachetka.accesslog.selectors import Access
from zachetka.core import xlsx
from zachetka.people.models import Learner

# When a page was opened is kept to the second.
SECONDS_FORMAT = "DD.MM.YYYY HH:MM:SS"
HEADERS = ("Дата и время", "Кто открыл (ФИО, роль)", "Что открыто", "Вид", "Слушателей в ответе")


def workbook(learner: Learner, since: dt.date, until: dt.date, rows: list[Access]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = xlsx.sheet_title("Журнал доступа")
    xlsx.write(sheet, 1, 1, f"Кто открывал сведения слушателя: {learner.full_name}")
    xlsx.write(sheet, 2, 1, f"Период: {since:%d.%m.%Y} — {until:%d.%m.%Y}")
    for column, title in enumerate(HEADERS, start=1):
        xlsx.write(sheet, 4, column, title).border = xlsx.BOX
    for row, access in enumerate(rows, start=5):
        values = (
            access.at,
            access.who,
            access.what,
            access.kind,
            access.learner_count,
        )
        for column, value in enumerate(values, start=1):
            cell = xlsx.write_value(sheet, row, column, value)
            cell.border = xlsx.BOX
            if column == 1:
                cell.number_format = SECONDS_FORMAT
    xlsx.fit_columns(sheet, first_row=4, header_row=4)
    xlsx.print_as_landscape_table(sheet, header_row=4)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def filename(learner: Learner, since: dt.date, until: dt.date) -> str:
    return f"Журнал доступа — {learner.short_name} — {since:%d.%m.%Y}–{until:%d.%m.%Y}.xlsx"
