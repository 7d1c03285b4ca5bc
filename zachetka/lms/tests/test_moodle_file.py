"""Reading Moodle's gradebook export: CSV in both languages and separators, and XLSX."""

import io

import pytest
from openpyxl import Workbook

from zachetka.lms import moodle


def test_english_csv_with_bom_and_quoted_headers(english_csv, moodle_course):
    gradebook = moodle.read_gradebook("grades.csv", english_csv)
    assert [(c.item, c.display) for c in gradebook.columns] == [
        ("Assignment: Эссе 1", "real"),
        ("Quiz: Итоговый тест", "percentage"),
        ("Assignment: Зачёт по практике", "real"),
        ("Course total", "real"),
    ]
    assert gradebook.ignored == []  # profile fields and «Last downloaded» are known, not grades
    first = gradebook.rows[0]
    assert (first.row, first.last_name, first.first_name, first.email) == (
        2,
        "Смирнова",
        "Анна",
        "anna.smirnova@example.org",
    )
    assert first.cells[6:10] == ("85.00", "90.00 %", "Зачтено", "87.50")
    assert gradebook.rows[1].id_number == moodle_course["petrov_snils"]


def test_russian_csv_with_semicolons(russian_csv):
    gradebook = moodle.read_gradebook("Оценки.csv", russian_csv)
    assert [c.header for c in gradebook.columns] == [
        "Задание: Эссе 1 (Значение)",
        "Тест: Итоговый тест (Значение)",
        "Итоговая оценка за курс (Значение)",
    ]
    assert gradebook.columns[0].title == "Эссе 1"
    assert gradebook.rows[0].cells[6] == "85,00"
    assert gradebook.rows[1].cells[6] == "-"


def test_feedback_and_unknown_columns_are_ignored():
    content = (
        b'"First name","Last name","Email address","Assignment: Essay (Real)",'
        b'"Assignment: Essay (Feedback)",City\nAnna,Smirnova,a@example.org,80.00,"Good work",Moscow\n'
    )
    gradebook = moodle.read_gradebook("grades.csv", content)
    assert [c.header for c in gradebook.columns] == ["Assignment: Essay (Real)"]
    assert gradebook.ignored == ["Assignment: Essay (Feedback)", "City"]


def test_xlsx_as_moodle_writes_it(moodle_course):
    """Moodle's «Excel spreadsheet» export: numbers as numbers, «-» as text, the sheet named
    after the course."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Цифровые инструменты педагога"
    sheet.append(
        [
            "First name",
            "Last name",
            "ID number",
            "Institution",
            "Department",
            "Email address",
            "Assignment: Эссе 1 (Real)",
            "Quiz: Итоговый тест (Real)",
            "Course total (Real)",
            "Last downloaded from this course",
        ]
    )
    sheet.append(["Анна", "Смирнова", "", "", "", "anna.smirnova@example.org", 85.0, 90, 87.5, "25.11.2026"])
    sheet.append(["Пётр", "Петров", moodle_course["petrov_snils"], "", "", "", "-", 72.0, 36.0, "25.11.2026"])
    buffer = io.BytesIO()
    book.save(buffer)
    gradebook = moodle.read_gradebook("grades.xlsx", buffer.getvalue())
    assert [c.title for c in gradebook.columns] == ["Эссе 1", "Итоговый тест", "Course total"]
    assert gradebook.rows[0].cells[6:9] == ("85", "90", "87.5")
    assert gradebook.rows[1].cells[6] == "-"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Файл пуст"),
        (b'"First name","Last name","Assignment: Essay (Real)"\nA,B,1\n', "Email address"),
        (b'"First name","Email address",Notes\nA,a@example.org,x\n', "нет столбцов с оценками"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused(content, message):
    with pytest.raises(moodle.MoodleFileError, match=message):
        moodle.read_gradebook("grades.csv", content)


def test_rows_and_columns_are_bounded_before_parsing(settings):
    settings.LMS_IMPORT_MAX_ROWS = 3
    rows = "\n".join(f"A{n},a{n}@example.org,80" for n in range(10))
    content = f'"First name","Email address","Quiz: Q (Real)"\n{rows}\n'.encode()
    with pytest.raises(moodle.MoodleFileError, match="больше 3 строк"):
        moodle.read_gradebook("grades.csv", content)
    settings.LMS_IMPORT_MAX_ROWS, settings.LMS_IMPORT_MAX_COLUMNS = 100, 5
    wide = ",".join(f'"Quiz: Q{n} (Real)"' for n in range(10))
    with pytest.raises(moodle.MoodleFileError, match="не больше 5"):
        moodle.read_gradebook("grades.csv", f'"Email address",{wide}\n'.encode())


def test_an_export_wider_than_a_learner_list_is_read(settings):
    # 40 grade items in two display types and the profile columns: wider than the learner
    # import's limit, within the Moodle import's own.
    assert settings.IMPORT_MAX_COLUMNS < 90 <= settings.LMS_IMPORT_MAX_COLUMNS
    items = [f'"Quiz: Q{n} ({kind})"' for n in range(40) for kind in ("Real", "Percentage")]
    header = ",".join(['"First name"', '"Surname"', '"ID number"', '"Email address"', *items])
    row = ",".join(["Анна", "Петрова", "", "anna@example.org", *["80"] * len(items)])
    gradebook = moodle.read_gradebook("grades.csv", f"{header}\n{row}\n".encode())
    assert len(gradebook.rows) == 1 and len(gradebook.columns) == 80


def test_guessing_the_mapping_by_title(english_csv, moodle_course):
    gradebook = moodle.read_gradebook("grades.csv", english_csv)
    assessments = [moodle_course[key] for key in ("essay", "test", "practice")]
    for assessment in assessments:
        assessment.refresh_from_db()
    guessed = moodle.guess_mapping(gradebook.columns, assessments)
    assert list(guessed.values()) == [
        moodle_course["essay"].pk,
        moodle_course["test"].pk,
        moodle_course["practice"].pk,
        None,  # «Course total» is no assessment of the module
    ]
