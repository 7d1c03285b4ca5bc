"""A list page downloaded as a printable XLSX sheet: a title, a row saying which filters were
applied, a header and one row per item, cells written through `core.xlsx` (dates as dates,
numbers as numbers, text never a formula), on landscape A4.

An export is bounded (`MAX_ROWS`): a bigger one is refused with a message asking to narrow the
filters, before anything is read but its count.

A slow export runs as a background job (`start_job`): its page's form POSTs the list's filters
(the page's query string), and the job reads them back with `query_dict`.
"""

import io
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from zachetka.core import plural, xlsx
from zachetka.jobs import services as jobs

MAX_ROWS = 50_000
HEADER_ROW = 3
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def too_many_rows_message(count: int) -> str:
    limit = MAX_ROWS
    found = plural.count_with(count, "строка", "строки", "строк")
    most = f"{limit:,}".replace(",", "\u00a0")
    return (
        f"В выгрузке было бы {found}, а за один раз выгружается не больше {most}. "
        "Уточните фильтры и скачайте частями."
    )


def bounded_count(items: QuerySet) -> int:
    """How many rows the export will have; ValidationError (the job fails with the message)
    beyond MAX_ROWS, before anything but the count is read."""
    count = items.count()
    if count > MAX_ROWS:
        raise ValidationError(too_many_rows_message(count))
    return count


def start_rows(progress: Any, items: QuerySet) -> Iterator[Any]:
    """`bounded_count` (refused at once beyond MAX_ROWS), then the items, each told on the
    job's progress bar as it is read («чтение: строка 3000 из 20000»): the first half of the
    export's units, the rows written by `workbook(progress=...)` being the second."""
    count = bounded_count(items)
    progress.step(
        0, 2 * count, f"чтение: {plural.count_with(count, 'строка', 'строки', 'строк')}", force=True
    )

    def told() -> Iterator[Any]:
        for number, item in enumerate(items.iterator(chunk_size=2000), start=1):
            progress.step(number, 2 * count, f"чтение: строка {number} из {count}")
            yield item

    return told()


def describe_filters(parts: Sequence[tuple[str, str]]) -> str:
    """«Отбор: группа ПК-2026-01; статус — обучается» from the filters that were set."""
    shown = [f"{label} — {value}" for label, value in parts if value]
    return "Отбор: " + "; ".join(shown) if shown else "Отбор: без фильтров (все записи)"


def workbook(
    *,
    title: str,
    filters: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    progress: Any = None,
) -> bytes:
    """One sheet: `title`, the `filters` line, the header and the rows, fitted and print-ready.
    A job's `progress` is told each row written, after the rows read (`start_rows`)."""
    count = len(rows)
    book = Workbook()
    sheet = book.active
    sheet.title = xlsx.sheet_title(title)
    xlsx.write(sheet, 1, 1, title).font = Font(bold=True, size=12)
    xlsx.write(sheet, 2, 1, filters)
    for column, text in enumerate(headers, start=1):
        cell = xlsx.write(sheet, HEADER_ROW, column, text)
        cell.font, cell.fill, cell.border = Font(bold=True), xlsx.HEAD_FILL, xlsx.BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row, values in enumerate(rows, start=HEADER_ROW + 1):
        if progress is not None:
            written = row - HEADER_ROW
            progress.step(count + written, 2 * count, f"запись XLSX: строка {written} из {count}")
        for column, value in enumerate(values, start=1):
            xlsx.write_value(sheet, row, column, value).border = xlsx.BOX
    xlsx.fit_columns(sheet, first_row=HEADER_ROW, header_row=HEADER_ROW)
    xlsx.print_as_landscape_table(sheet, HEADER_ROW)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def query_params(data: QueryDict) -> list[list[str]]:
    """A list page's filters as a job's parameter: its query string without the page number, in
    a fixed order, so the same filters are the same request (one job while it runs)."""
    return sorted([key, value] for key, values in data.lists() if key != "page" for value in values)


def query_dict(params: list[list[str]]) -> QueryDict:
    """The filters of `query_params` as the page reads them."""
    data = QueryDict(mutable=True)
    for key, value in params:
        data.appendlist(key, value)
    return data


def start_job(request: HttpRequest, *, kind: str, title: str, params: dict, list_url: str) -> HttpResponse:
    """POST: start the export of the list's filters (the request's query string) as a job and
    show its page. GET (an old link or bookmark): back to the list with the same filters, where
    the button starts it; work never starts on a GET."""
    query = query_params(request.GET)
    if request.method != "POST":
        return redirect(f"{list_url}?{query_dict(query).urlencode()}")
    job = jobs.start(by=request.user, kind=kind, params={"query": query, **params}, title=title)
    return redirect("jobs:job_detail", pk=job.pk)
