"""Reading a Moodle gradebook export («Оценки» → «Экспорт» → «Текстовый файл» or «Таблица Excel»),
as Moodle 4.x writes it, and planning what importing it into one gradebook would change.

Moodle's export has one row per course participant: the profile fields chosen for export
(«First name», «Last name», «ID number», «Institution», «Department», «Email address», in the
site's language), then one column per grade item and display type, «Assignment: Essay 1
(Real)», «Тест: Итоговый тест (Значение)», «Course total (Percentage)», and last «Last
downloaded from this course». A grade not given is «-»; decimals follow the site's locale.

Learners are matched within the group by «ID number» (in Zachetka: the learner's СНИЛС, which
organisations of ДПО put in Moodle's «Индивидуальный номер» for ФИС ФРДО) and by e-mail.
Nothing here writes; the file is bounded (rows × columns) before it is parsed, by the reader
the learners import uses.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from zachetka.core import snils
from zachetka.gradebook.models import Assessment
from zachetka.people import importing as table
from zachetka.people.importing import RowError
from zachetka.programs.models import Enrollment

__all__ = ["RowError"]

NOT_IMPORTED = ""

# Profile columns Moodle exports (header lower-cased, «ё» folded) → what they are.
PROFILE_HEADERS: dict[str, str] = {
    "first name": "first_name",
    "firstname": "first_name",
    "имя": "first_name",
    "last name": "last_name",
    "lastname": "last_name",
    "surname": "last_name",
    "фамилия": "last_name",
    "id number": "id_number",
    "idnumber": "id_number",
    "индивидуальный номер": "id_number",
    "email address": "email",
    "email": "email",
    "адрес электронной почты": "email",
    "электронная почта": "email",
    "institution": "other",
    "учреждение (организация)": "other",
    "учреждение": "other",
    "организация": "other",
    "department": "other",
    "отдел": "other",
    "username": "other",
    "логин": "other",
    "suspended": "other",
    "заблокирован": "other",
    "last downloaded from this course": "other",
    "последняя загрузка из этого курса": "other",
    "последнее скачивание из этого курса": "other",
}
# A grade item's display type, the bracketed end of its header.
DISPLAY_TYPES: dict[str, str] = {
    "real": "real",
    "значение": "real",
    "натуральная": "real",
    "percentage": "percentage",
    "процент": "percentage",
    "проценты": "percentage",
    "letter": "letter",
    "буква": "letter",
    "буквенная": "letter",
    "feedback": "feedback",
    "отзыв": "feedback",
}
_GRADE_HEADER = re.compile(r"^(?P<item>.+?)\s*\((?P<display>[^()]+)\)\s*$")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
NO_GRADE = frozenset({"", "-", "–", "—"})


class MoodleFileError(Exception):
    """The file as a whole is not a Moodle gradebook export that can be read."""


def _key(text: Any) -> str:
    return " ".join(str(text or "").replace("\ufeff", "").strip().lower().replace("ё", "е").split())


def _cell(value: Any) -> str:
    """A cell as text: numbers as Moodle's CSV would write them (85.5, 90), «-» kept."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return " ".join(str(value).replace("\xa0", " ").split())


@dataclass(frozen=True)
class GradeColumn:
    """A grade item column of the file that can be imported."""

    index: int  # position in the file's rows
    header: str  # as the file has it: «Тест: Итоговый тест (Значение)»
    item: str  # the grade item: «Тест: Итоговый тест»
    display: str  # real, percentage or letter

    @property
    def key(self) -> str:
        return f"column_{self.index}"

    @property
    def title(self) -> str:
        """The item's name without the activity type («Итоговый тест»), to guess an assessment."""
        return self.item.split(": ", 1)[1] if ": " in self.item else self.item


@dataclass(frozen=True)
class FileRow:
    row: int  # the row as a spreadsheet numbers it (the header is row 1)
    first_name: str
    last_name: str
    email: str
    id_number: str
    cells: tuple[str, ...]

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name) if part) or "без имени"


@dataclass
class GradebookFile:
    columns: list[GradeColumn]
    rows: list[FileRow]
    ignored: list[str]  # headers neither a profile field nor an importable grade item


def read_gradebook(filename: str, content: bytes) -> GradebookFile:
    """Read a Moodle export (CSV with «,» or «;», UTF-8 with or without BOM, or XLSX)."""
    try:
        rows = table.read_table(
            filename,
            content,
            max_rows=settings.LMS_IMPORT_MAX_ROWS,
            max_columns=settings.LMS_IMPORT_MAX_COLUMNS,
            what="выгрузке журнала Moodle",
        )
        header = next(rows, None)
    except table.ImportFileError as error:
        raise MoodleFileError(str(error)) from error
    if not header or not any(_cell(cell) for cell in header):
        raise MoodleFileError("Файл пуст: нет строки заголовков.")
    profile: dict[str, int] = {}
    columns: list[GradeColumn] = []
    ignored: list[str] = []
    for index, raw in enumerate(header):
        title = _cell(raw)
        key = _key(title)
        if not key:
            continue
        if key in PROFILE_HEADERS:
            if PROFILE_HEADERS[key] != "other":
                profile.setdefault(PROFILE_HEADERS[key], index)
            continue
        match = _GRADE_HEADER.match(title)
        display = DISPLAY_TYPES.get(_key(match["display"])) if match else None
        if display and display != "feedback":
            columns.append(
                GradeColumn(index=index, header=title, item=match["item"].strip(), display=display)
            )
        else:
            ignored.append(title)
    if "email" not in profile and "id_number" not in profile:
        raise MoodleFileError(
            "Не найдены столбцы «Email address» («Адрес электронной почты») и «ID number» "
            "(«Индивидуальный номер»): по ним находятся слушатели. Выгрузите оценки из Moodle "
            "вместе с этими полями."
        )
    if not columns:
        raise MoodleFileError(
            "В файле нет столбцов с оценками: ожидаются заголовки вида «Тест: Название (Значение)» "
            "или «Quiz: Title (Real)»."
        )
    width = len(header)
    parsed: list[FileRow] = []
    try:
        for number, raw_row in enumerate(rows, start=2):
            cells = tuple(_cell(cell) for cell in raw_row) + ("",) * max(0, width - len(raw_row))
            if not any(cells):
                continue

            def get(name: str, cells: tuple[str, ...] = cells) -> str:
                return cells[profile[name]] if name in profile else ""

            parsed.append(
                FileRow(
                    row=number,
                    first_name=get("first_name"),
                    last_name=get("last_name"),
                    email=get("email").lower(),
                    id_number=get("id_number"),
                    cells=cells,
                )
            )
    except table.ImportFileError as error:
        raise MoodleFileError(str(error)) from error
    return GradebookFile(columns=columns, rows=parsed, ignored=ignored)


def _folded(text: str) -> str:
    return re.sub(r"[^\w]+", " ", _key(text)).strip()


def guess_mapping(columns: list[GradeColumn], assessments: list[Assessment]) -> dict[str, int | None]:
    """Each column's assessment whose title is the grade item's name (or contains it, or is
    contained in it, when only one does); None for the rest. An assessment is guessed for one
    column at most: the «(Значение)» column, or «(Процент)» for a hundred-point scale."""
    preference = {"real": 1, "percentage": 2, "letter": 3}
    guessed: dict[str, int | None] = {column.key: None for column in columns}
    for assessment in assessments:
        title = _folded(assessment.title)
        if not title:
            continue
        exact = [c for c in columns if _folded(c.title) == title or _folded(c.item) == title]
        loose = [
            c
            for c in columns
            if _folded(c.title) and (title in _folded(c.title) or _folded(c.title) in title)
        ]
        items = {c.item for c in loose}
        candidates = exact or (loose if len(items) == 1 else [])
        candidates = [c for c in candidates if guessed[c.key] is None]
        if not candidates:
            continue
        first = "percentage" if assessment.scale.is_numeric else "real"
        best = min(candidates, key=lambda c: (c.display != first, preference[c.display], c.index))
        guessed[best.key] = assessment.pk
    return guessed


# --- Planning: what importing the file into a gradebook would write -------------------------


@dataclass(frozen=True)
class PlannedCell:
    row: int
    column: GradeColumn
    assessment: Assessment
    enrollment: Enrollment
    raw: str  # as the file has it
    value: str  # as the gradebook will store it
    old_value: str  # what the cell holds now ("" for an empty cell)
    version: int  # the cell's version now (0 for no grade yet)

    @property
    def key(self) -> str:
        return f"{self.assessment.pk}:{self.enrollment.pk}"

    @property
    def is_new(self) -> bool:
        return self.old_value == ""

    @property
    def is_same(self) -> bool:
        return self.old_value == self.value

    @property
    def is_change(self) -> bool:
        return not self.is_new and not self.is_same


@dataclass
class PlannedRow:
    file_row: FileRow
    enrollment: Enrollment
    # One entry per mapped column, in the mapping's order: the planned cell, or None for no grade.
    cells: list[PlannedCell | None]


@dataclass
class Plan:
    mapped: list[tuple[GradeColumn, Assessment]]
    rows: list[PlannedRow] = field(default_factory=list)
    unmatched: list[tuple[FileRow, str]] = field(default_factory=list)  # the row and why
    absent: list[Enrollment] = field(default_factory=list)  # group learners not in the file
    errors: list[RowError] = field(default_factory=list)

    @property
    def cells(self) -> list[PlannedCell]:
        return [cell for row in self.rows for cell in row.cells if cell is not None]

    @property
    def to_write(self) -> list[PlannedCell]:
        return [cell for cell in self.cells if not cell.is_same]

    @property
    def new(self) -> list[PlannedCell]:
        return [cell for cell in self.cells if cell.is_new]

    @property
    def changes(self) -> list[PlannedCell]:
        return [cell for cell in self.cells if cell.is_change]

    @property
    def unchanged(self) -> list[PlannedCell]:
        return [cell for cell in self.cells if cell.is_same]

    def seen_versions(self) -> dict[str, int]:
        """The version of every cell the import would write, as the preview showed it."""
        return {cell.key: cell.version for cell in self.to_write}


def _number(text: str) -> Decimal | None:
    """The number a Moodle grade holds («85.00», «85,5», «85,00 %»), None for text."""
    compact = text.replace(" ", "").removesuffix("%")
    if not _NUMBER.match(compact):
        return None
    try:
        return Decimal(compact.replace(",", "."))
    except InvalidOperation:
        return None


def grade_value(text: str, column: GradeColumn, assessment: Assessment) -> str:
    """The value a Moodle grade puts into a cell of `assessment`, or ValidationError saying why not.

    A number goes onto a hundred-point scale as it is (a whole number of points from 0 to 100);
    a scale of named values («5», «зачтено») takes its values written out, not numbers, since
    Moodle's points do not say which of them is meant."""
    scale = assessment.scale
    values = assessment.scale_values()
    number = _number(text)
    if number is None:
        if column.display == "percentage" and "%" in text:
            raise ValidationError(f"«{text}» — не число процентов.")
        return scale.interpret(text, values).value
    if not scale.is_numeric:
        raise ValidationError(
            f"«{text}» — число баллов Moodle, а «{assessment.title}» оценивается по шкале "
            f"«{scale.title}» ({scale.allowed_hint(values)}): перевести баллы в её значения "
            "нельзя без правила. Выгрузите из Moodle значения этой шкалы или сопоставьте столбец "
            "мероприятию со стобалльной шкалой."
        )
    if number != number.to_integral_value():
        raise ValidationError(
            f"«{text}» — дробное число, а на шкале «{scale.title}» баллы целые: округлите в Moodle "
            "или в файле."
        )
    return scale.interpret(str(int(number)), values).value


def _match(
    file_row: FileRow, by_snils: dict[str, list[Enrollment]], by_email: dict[str, list[Enrollment]]
) -> tuple[Enrollment | None, str]:
    """The row's enrolment in the group, or None and the reason no one (or no single one) matched."""
    id_match: list[Enrollment] = []
    if file_row.id_number:
        try:
            id_match = by_snils.get(snils.normalize(file_row.id_number), [])
        except snils.SnilsError:
            id_match = []
    email_match = by_email.get(file_row.email, []) if file_row.email else []
    if id_match and email_match and {e.pk for e in id_match} != {e.pk for e in email_match}:
        return None, (
            f"по СНИЛС «{file_row.id_number}» и по e-mail «{file_row.email}» найдены разные слушатели"
        )
    found = id_match or email_match
    if len(found) > 1:
        return None, f"e-mail «{file_row.email}» у нескольких слушателей группы: укажите СНИЛС в «ID number»"
    if found:
        return found[0], ""
    asked = [f"СНИЛС «{file_row.id_number}»" if file_row.id_number else ""]
    asked.append(f"e-mail «{file_row.email}»" if file_row.email else "")
    asked = [text for text in asked if text]
    if not asked:
        return None, "нет ни e-mail, ни «ID number»"
    return None, f"в группе нет слушателя с {' или '.join(asked)}"


def plan_import(
    gradebook: GradebookFile,
    mapping: dict[str, int | None],
    assessments: list[Assessment],
    enrollments: list[Enrollment],
    cells_now: dict[tuple[int, int], tuple[str, int]],
    *,
    gradable_statuses: tuple[str, ...],
) -> Plan:
    """Match the file's rows to the group's learners and turn each mapped grade into a cell.

    `cells_now` is what the mapped columns hold: (assessment id, enrolment id) → (value, version).
    Every problem becomes a RowError naming the file's row and column."""
    by_pk = {assessment.pk: assessment for assessment in assessments}
    mapped = [
        (column, by_pk[mapping[column.key]])
        for column in gradebook.columns
        if mapping.get(column.key) in by_pk
    ]
    plan = Plan(mapped=mapped)
    by_snils: dict[str, list[Enrollment]] = {}
    by_email: dict[str, list[Enrollment]] = {}
    for enrollment in enrollments:
        if enrollment.learner.snils:
            by_snils.setdefault(enrollment.learner.snils, []).append(enrollment)
        if enrollment.learner.email:
            by_email.setdefault(enrollment.learner.email.lower(), []).append(enrollment)
    seen: dict[int, int] = {}  # enrolment → the row that named it first
    for file_row in gradebook.rows:
        enrollment, why = _match(file_row, by_snils, by_email)
        if enrollment is None:
            plan.unmatched.append((file_row, why))
            continue
        if enrollment.pk in seen:
            plan.errors.append(
                RowError(
                    file_row.row,
                    "",
                    f"{enrollment.learner.full_name} уже найден в строке {seen[enrollment.pk]}: "
                    "слушатель должен быть в файле один раз",
                )
            )
            continue
        seen[enrollment.pk] = file_row.row
        planned = PlannedRow(file_row=file_row, enrollment=enrollment, cells=[])
        plan.rows.append(planned)
        for column, assessment in mapped:
            text = file_row.cells[column.index] if column.index < len(file_row.cells) else ""
            if text in NO_GRADE:
                planned.cells.append(None)
                continue
            try:
                value = grade_value(text, column, assessment)
            except ValidationError as error:
                plan.errors.append(RowError(file_row.row, column.header, " ".join(error.messages)))
                planned.cells.append(None)
                continue
            old_value, version = cells_now.get((assessment.pk, enrollment.pk), ("", 0))
            cell = PlannedCell(
                row=file_row.row,
                column=column,
                assessment=assessment,
                enrollment=enrollment,
                raw=text,
                value=value,
                old_value=old_value,
                version=version,
            )
            if enrollment.status not in gradable_statuses and not cell.is_same:
                plan.errors.append(
                    RowError(
                        file_row.row,
                        column.header,
                        f"{enrollment.learner.full_name}: {enrollment.get_status_display()}, "
                        "оценки не вносятся",
                    )
                )
                planned.cells.append(None)
                continue
            planned.cells.append(cell)
    plan.absent = [
        enrollment
        for enrollment in enrollments
        if enrollment.pk not in seen and enrollment.status in gradable_statuses
    ]
    return plan
