"""Reading a learners file (XLSX or CSV as Russian offices save it) and checking every row.

Nothing here writes: `parse_learners_file` returns the rows it understood and every error it
found, each naming the spreadsheet row and column; the caller refuses the whole file if there
is any error, so an import is all-or-nothing.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from zachetka.core import dates, names, plural, snils, validators, xlsx_guard
from zachetka.people.models import RUSSIA_OKSM, Learner

# Header (lower-cased, «ё» folded) → field. The first name of each field is the one to show.
HEADER_ALIASES: dict[str, str] = {
    "фамилия": "last_name",
    "имя": "first_name",
    "отчество": "middle_name",
    "дата рождения": "birth_date",
    "пол": "sex",
    "снилс": "snils",
    "email": "email",
    "e-mail": "email",
    "эл. почта": "email",
    "электронная почта": "email",
    "телефон": "phone",
    "гражданство": "citizenship",
}
COLUMN_TITLES = {
    "last_name": "Фамилия",
    "first_name": "Имя",
    "middle_name": "Отчество",
    "birth_date": "Дата рождения",
    "sex": "Пол",
    "snils": "СНИЛС",
    "email": "Email",
    "phone": "Телефон",
    "citizenship": "Гражданство",
}
REQUIRED_COLUMNS = ("last_name", "first_name", "birth_date", "sex")

SEX_VALUES = {
    "м": Learner.Sex.MALE,
    "муж": Learner.Sex.MALE,
    "муж.": Learner.Sex.MALE,
    "мужской": Learner.Sex.MALE,
    "m": Learner.Sex.MALE,
    "male": Learner.Sex.MALE,
    "ж": Learner.Sex.FEMALE,
    "жен": Learner.Sex.FEMALE,
    "жен.": Learner.Sex.FEMALE,
    "женский": Learner.Sex.FEMALE,
    "f": Learner.Sex.FEMALE,
    "female": Learner.Sex.FEMALE,
}
CITIZENSHIP_NAMES = {"россия": RUSSIA_OKSM, "рф": RUSSIA_OKSM, "российская федерация": RUSSIA_OKSM}

# A cell that a spreadsheet would run as a formula, or markup that a browser would run.
_FORMULA_START = re.compile(r"^[=@\t\r]|^[+\-](?![\d\s(])")
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!]|javascript:", re.IGNORECASE)
# One CSV record (a learner's row) is well under a kilobyte.
MAX_CSV_RECORD_CHARS = 64 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, missing columns)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"строка {self.row}" if self.row else "файл"
        return f"{where}, «{self.column}»: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]


@dataclass
class ParsedFile:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def _header_key(text: Any) -> str:
    return " ".join(str(text or "").strip().lower().replace("ё", "е").split())


def _decode_csv(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1251")
    except UnicodeDecodeError as error:
        raise ImportFileError("Не удалось прочитать CSV: кодировка не UTF-8 и не Windows-1251.") from error


class _BoundedLines:
    """The lines of a CSV text for csv.reader, refusing one record longer than the limit: the
    reader builds a whole record before returning it, so a line of twenty million «;» would
    first become a list of twenty million fields."""

    def __init__(self, text: str, what: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self.number = 0
        self.record_chars = 0
        self.what = what

    def __iter__(self) -> "_BoundedLines":
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.number += 1
        self.record_chars += len(line)
        if self.record_chars > MAX_CSV_RECORD_CHARS:
            raise ImportFileError(
                f"Строка {self.number} длиннее {MAX_CSV_RECORD_CHARS} символов — в {self.what} "
                "таких не бывает. Проверьте, что загружен тот файл."
            )
        return line


def _csv_rows(content: bytes, max_rows: int, max_columns: int, what: str) -> Iterator[list[Any]]:
    text = _decode_csv(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    lines = _BoundedLines(text, what)
    for count, row in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
        lines.record_chars = 0
        if count > max_rows:
            raise ImportFileError(f"В файле больше {max_rows} строк (с заголовком): разделите его на части.")
        if len(row) > max_columns:
            raise ImportFileError(
                f"Строка {lines.number}: "
                f"{plural.count_with(len(row), 'столбец', 'столбца', 'столбцов')}, "
                f"а допускается не больше {max_columns}. "
                "Проверьте разделитель и кавычки."
            )
        yield row


def _xlsx_rows(content: bytes, max_rows: int, max_columns: int) -> Iterator[list[Any]]:
    """Rows of the first sheet, once every sheet is known to be within the size limits.
    Calamine reads them many times faster than openpyxl; a book with formulas goes through
    openpyxl, which shows them, so each is refused by its cell."""
    try:
        facts = xlsx_guard.check_workbook(
            io.BytesIO(content),
            max_rows=max_rows,
            max_columns=max_columns,
        )
    except xlsx_guard.UnsafeWorkbook as error:
        raise ImportFileError(str(error)) from error
    if facts.has_formulas:
        return _openpyxl_rows(content)
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as error:  # noqa: BLE001 - calamine raises several kinds for a bad file
        raise ImportFileError("Не удалось прочитать XLSX: файл повреждён или это не книга Excel.") from error
    return iter(rows)


def _openpyxl_rows(content: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError("Не удалось прочитать XLSX: файл повреждён или это не книга Excel.") from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    except Exception as error:  # noqa: BLE001 - openpyxl raises XML, key and value errors alike
        raise ImportFileError("Не удалось прочитать XLSX: файл повреждён или это не книга Excel.") from error
    finally:
        workbook.close()


def read_table(
    filename: str,
    content: bytes,
    *,
    max_rows: int | None = None,
    max_columns: int | None = None,
    what: str = "списке слушателей",
) -> Iterator[list[Any]]:
    """The sheet's rows, bounded before they are read: by default the learner import's limits
    (IMPORT_MAX_ROWS × IMPORT_MAX_COLUMNS); `what` names the file in messages («в списке …»)."""
    max_rows = settings.IMPORT_MAX_ROWS if max_rows is None else max_rows
    max_columns = settings.IMPORT_MAX_COLUMNS if max_columns is None else max_columns
    lower = filename.lower()
    if lower.endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        return _xlsx_rows(content, max_rows, max_columns)
    if lower.endswith((".csv", ".txt")):
        if b"\x00" in content[:4096]:
            raise ImportFileError("Не удалось прочитать CSV: файл двоичный, а не текстовый.")
        return _csv_rows(content, max_rows, max_columns, what)
    raise ImportFileError("Неизвестный формат файла: загрузите XLSX или CSV.")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _RowChecker:
    """Turns one row's cells into learner fields, collecting every error with its column."""

    def __init__(self, row_number: int, today: dt.date) -> None:
        self.row = row_number
        self.today = today
        self.errors: list[RowError] = []

    def fail(self, field_name: str, message: str) -> None:
        self.errors.append(RowError(self.row, COLUMN_TITLES[field_name], message))

    def unsafe(self, field_name: str, raw: Any) -> bool:
        if isinstance(raw, str):
            if _FORMULA_START.match(raw):
                self.fail(
                    field_name,
                    "ячейка похожа на формулу (начинается с «=», «+», «-» или «@») — "
                    "такие значения не принимаются",
                )
                return True
            if _MARKUP.search(raw):
                self.fail(field_name, "ячейка содержит HTML-разметку или скрипт")
                return True
        return False

    def name(self, field_name: str, raw: Any, *, required: bool) -> str:
        value = names.clean_name_part(_text(raw))
        if not value:
            if required:
                self.fail(field_name, "не заполнено")
            return ""
        problem = names.name_part_error(value)
        if problem:
            self.fail(field_name, f"«{value}»: {problem}")
        return value

    def birth_date(self, raw: Any) -> dt.date | None:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            self.fail("birth_date", f"«{_text(raw)}» — не дата; ожидается ДД.ММ.ГГГГ")
            return None
        try:
            value = dates.parse_date(raw)
        except dates.DateParseError as error:
            self.fail("birth_date", str(error))
            return None
        if value > self.today:
            self.fail("birth_date", f"{dates.format_date(value)} — дата в будущем")
        elif value < dates.EARLIEST_BIRTH_DATE:
            self.fail("birth_date", f"{dates.format_date(value)} — раньше 01.01.1900, проверьте год")
        return value

    def sex(self, raw: Any) -> str:
        text = _text(raw)
        value = SEX_VALUES.get(text.lower())
        if value is None:
            self.fail(
                "sex", f"неизвестное значение «{text}»: укажите М или Ж" if text else "не заполнено (М или Ж)"
            )
            return ""
        return value

    def snils(self, raw: Any) -> str:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            raw = _text(raw).zfill(11)  # Excel turns a СНИЛС typed without dashes into a number
        text = _text(raw)
        if not text:
            return ""
        try:
            return snils.normalize(text)
        except snils.SnilsError as error:
            self.fail("snils", f"«{text}»: {error}")
            return ""

    def email(self, raw: Any) -> str:
        value = _text(raw).lower()
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.fail("email", f"«{value}» — не адрес электронной почты")
        return value

    def phone(self, raw: Any) -> str:
        value = _text(raw)
        if value:
            try:
                validators.validate_phone(value)
            except ValidationError as error:
                self.fail("phone", f"«{value}»: {error.messages[0]}")
        return value

    def citizenship(self, raw: Any) -> str:
        text = _text(raw)
        if not text:
            return RUSSIA_OKSM
        value = CITIZENSHIP_NAMES.get(text.lower(), text.zfill(3) if text.isdigit() else text)
        if not re.fullmatch(r"\d{3}", value):
            self.fail("citizenship", f"«{text}» — укажите трёхзначный код страны по ОКСМ (Россия — 643)")
        return value


def _map_header(header: list[Any]) -> tuple[dict[str, int], list[str]]:
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        key = _header_key(title)
        if not key:
            continue
        field_name = HEADER_ALIASES.get(key)
        if field_name is None:
            ignored.append(str(title))
        elif field_name in columns:
            raise ImportFileError(f"Столбец «{COLUMN_TITLES[field_name]}» встречается в заголовке дважды.")
        else:
            columns[field_name] = index
    missing = [COLUMN_TITLES[name] for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ImportFileError(
            "В первой строке нет обязательных столбцов: "
            + ", ".join(f"«{m}»" for m in missing)
            + ". Ожидаемый заголовок: "
            + "; ".join(COLUMN_TITLES.values())
            + "."
        )
    return columns, ignored


def parse_learners_file(
    filename: str, content: bytes, *, on_row: Callable[[int], None] | None = None
) -> ParsedFile:
    """Read and check every row; raise ImportFileError if the file itself is unreadable."""
    table = read_table(filename, content)
    try:
        header = next(table)
    except StopIteration as error:
        raise ImportFileError("Файл пуст: нет строки заголовка.") from error
    except (csv.Error, UnicodeDecodeError) as error:
        raise ImportFileError(f"Не удалось прочитать файл: {error}.") from error
    columns, ignored = _map_header(header)
    result = ParsedFile(ignored_columns=ignored)
    today = timezone.localdate()
    first_row_of_snils: dict[str, int] = {}
    row_number = 1
    try:
        for cells in table:
            row_number += 1
            if on_row:
                on_row(row_number)
            if not any(_text(cell) for cell in cells):
                continue
            raw = {name: (cells[index] if index < len(cells) else None) for name, index in columns.items()}
            check = _RowChecker(row_number, today)
            if any(check.unsafe(name, value) for name, value in raw.items()):
                result.errors.extend(check.errors)
                continue
            values = {
                "last_name": check.name("last_name", raw.get("last_name"), required=True),
                "first_name": check.name("first_name", raw.get("first_name"), required=True),
                "middle_name": check.name("middle_name", raw.get("middle_name"), required=False),
                "birth_date": check.birth_date(raw.get("birth_date")),
                "sex": check.sex(raw.get("sex")),
                "snils": check.snils(raw.get("snils")),
                "email": check.email(raw.get("email")),
                "phone": check.phone(raw.get("phone")),
                "citizenship": check.citizenship(raw.get("citizenship")),
            }
            number = values["snils"]
            if number:
                if number in first_row_of_snils:
                    check.fail(
                        "snils",
                        f"{snils.format_snils(number)} уже встречается в строке {first_row_of_snils[number]}",
                    )
                else:
                    first_row_of_snils[number] = row_number
            result.errors.extend(check.errors)
            if not check.errors:
                result.rows.append(ParsedRow(row_number, values))
    except (csv.Error, UnicodeDecodeError) as error:
        raise ImportFileError(f"Не удалось прочитать строку {row_number}: {error}.") from error
    if not result.rows and not result.errors:
        raise ImportFileError("В файле нет ни одной строки со слушателями.")
    return result


@dataclass
class PlannedRow:
    """A checked row and what importing it will do: create a learner, or update a known one."""

    row: int
    values: dict[str, Any]
    learner: Learner | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @property
    def is_new(self) -> bool:
        return self.learner is None


def _chunks(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _identity(last: str, first: str, middle: str, birth: dt.date) -> tuple[str, str, str, dt.date]:
    return (names.search_key(last), names.search_key(first), names.search_key(middle), birth)


def plan_import(parsed: ParsedFile) -> list[PlannedRow]:
    """Match rows to learners already on record: by СНИЛС, else by full name and birth date.

    A known learner is updated with the non-empty values of the row; empty cells keep what the
    record has, so a partial file never erases data.
    """
    rows = parsed.rows
    numbers = [row.values["snils"] for row in rows if row.values["snils"]]
    by_snils: dict[str, Learner] = {}
    for chunk in _chunks(numbers):
        by_snils.update({learner.snils: learner for learner in Learner.objects.filter(snils__in=chunk)})
    unmatched = [row for row in rows if row.values["snils"] not in by_snils]
    by_identity: dict[tuple, Learner] = {}
    for chunk in _chunks(sorted({row.values["birth_date"] for row in unmatched})):
        for learner in Learner.objects.filter(birth_date__in=chunk):
            key = _identity(learner.last_name, learner.first_name, learner.middle_name, learner.birth_date)
            by_identity.setdefault(key, learner)
    planned: list[PlannedRow] = []
    claimed: set[int] = set()
    for row in rows:
        values = row.values
        learner = by_snils.get(values["snils"]) if values["snils"] else None
        if learner is None:
            key = _identity(
                values["last_name"], values["first_name"], values["middle_name"], values["birth_date"]
            )
            candidate = by_identity.get(key)
            # The same name and birth date is the same person unless СНИЛС numbers say otherwise.
            if candidate and (not candidate.snils or not values["snils"]) and candidate.pk not in claimed:
                learner = candidate
        item = PlannedRow(row.row, values, learner)
        if learner is not None:
            claimed.add(learner.pk)
            for name, value in values.items():
                if value not in ("", None) and getattr(learner, name) != value:
                    item.changes[name] = (getattr(learner, name), value)
        planned.append(item)
    return planned
