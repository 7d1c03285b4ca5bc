import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.people.models import Learner
from zachetka.programs.models import Enrollment

HEADER = ["Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "СНИЛС", "Email", "Телефон", "Гражданство"]
GOOD_ROWS = [
    [
        "Иванов",
        "Иван",
        "Иванович",
        "15.03.1985",
        "М",
        "112-233-445 95",
        "ivanov@example.ru",
        "+7 912 345-67-89",
        "643",
    ],
    ["Ёлкина", "Мария", "Петровна", "01.12.1990", "Ж", "", "", "", ""],
    ["Кузнецов", "Олег", "", "1979-07-30", "муж", "11285589974", "", "", "Россия"],
]


def csv_bytes(rows: list[list[str]], *, delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    lines = [delimiter.join(row) for row in [HEADER, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def import_file(tmp_path):
    def write(content: bytes, name: str = "learners.csv"):
        path = tmp_path / name
        path.write_bytes(content)
        return path

    return write


@pytest.fixture
def run_import(registrar):
    def run(path, *extra: str) -> None:
        call_command("import_learners", str(path), "--as-user", registrar.username, *extra)

    return run


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "utf-8-sig"), (";", "utf-8"), (",", "utf-8"), (";", "cp1251"), (",", "cp1251")],
)
def test_csv_as_russian_offices_save_it(import_file, run_import, delimiter, encoding):
    run_import(import_file(csv_bytes(GOOD_ROWS, delimiter=delimiter, encoding=encoding)))
    ivanov = Learner.objects.get(snils="11223344595")
    assert (ivanov.last_name, ivanov.first_name, ivanov.middle_name) == ("Иванов", "Иван", "Иванович")
    assert ivanov.birth_date == dt.date(1985, 3, 15)
    assert ivanov.sex == Learner.Sex.MALE
    assert ivanov.phone == "+7 912 345-67-89"
    elkina = Learner.objects.get(last_name="Ёлкина")
    assert elkina.sex == Learner.Sex.FEMALE and elkina.snils == "" and elkina.citizenship == "643"
    assert Learner.objects.get(last_name="Кузнецов").birth_date == dt.date(1979, 7, 30)
    assert Learner.objects.count() == 3


def test_xlsx_with_real_date_cells_and_snils_as_number(import_file, run_import):
    date_cell = dt.datetime(1992, 5, 4)  # noqa: DTZ001 - spreadsheet date cells are naive
    rows = [["Петрова", "Анна", "Игоревна", date_cell, "Ж", 11223344595, "", 79123456789, 643]]
    run_import(import_file(xlsx_bytes(rows), "learners.xlsx"))
    learner = Learner.objects.get()
    assert learner.birth_date == dt.date(1992, 5, 4)
    assert learner.snils == "11223344595"
    assert learner.phone == "79123456789"


def test_known_snils_updates_instead_of_duplicating(import_file, run_import, make_learner):
    known = make_learner(
        last_name="Иванов", first_name="Иван", snils="11223344595", phone="", email="old@example.ru"
    )
    run_import(import_file(csv_bytes(GOOD_ROWS[:1])))
    assert Learner.objects.count() == 1
    known.refresh_from_db()
    assert known.phone == "+7 912 345-67-89"
    assert known.email == "ivanov@example.ru"
    assert known.version == 2
    [event] = AuditEvent.objects.filter(action=audit.Action.LEARNER_UPDATED).opened()
    assert event.data["before"]["email"] == "old@example.ru"
    assert event.data["after"]["email"] == "ivanov@example.ru"
    assert "строка 2" in event.reason


def test_empty_cells_do_not_erase_known_values(import_file, run_import, make_learner):
    known = make_learner(
        last_name="Ёлкина",
        first_name="Мария",
        middle_name="Петровна",
        birth_date=dt.date(1990, 12, 1),
        sex="F",
        snils="",
        phone="+7 900 000-00-00",
    )
    run_import(import_file(csv_bytes([GOOD_ROWS[1]])))
    known.refresh_from_db()
    assert known.phone == "+7 900 000-00-00"
    assert Learner.objects.count() == 1


def test_group_option_enrols_everyone_once(import_file, run_import, make_group):
    group = make_group()
    path = import_file(csv_bytes(GOOD_ROWS))
    run_import(path, "--group", group.code)
    run_import(path, "--group", group.code)
    assert Enrollment.objects.filter(group=group).count() == 3
    assert Learner.objects.count() == 3


BAD_CASES = [
    (
        "bad snils checksum",
        ["Иванов", "Иван", "", "15.03.1985", "М", "112-233-445 96", "", "", ""],
        "СНИЛС",
        "контрольная сумма",
    ),
    (
        "date in the future",
        ["Иванов", "Иван", "", "01.01.2999", "М", "", "", "", ""],
        "Дата рождения",
        "в будущем",
    ),
    (
        "impossible date",
        ["Иванов", "Иван", "", "31.02.1990", "М", "", "", "", ""],
        "Дата рождения",
        "не существует",
    ),
    (
        "unknown sex",
        ["Иванов", "Иван", "", "15.03.1985", "X", "", "", "", ""],
        "Пол",
        "неизвестное значение «X»",
    ),
    ("empty surname", ["", "Иван", "", "15.03.1985", "М", "", "", "", ""], "Фамилия", "не заполнено"),
    (
        "formula",
        ['=HYPERLINK("http://x")', "Иван", "", "15.03.1985", "М", "", "", "", ""],
        "Фамилия",
        "формулу",
    ),
    (
        "script",
        ["Иванов", "<script>alert(1)</script>", "", "15.03.1985", "М", "", "", "", ""],
        "Имя",
        "скрипт",
    ),
    ("latin surname", ["Ivanov", "Иван", "", "15.03.1985", "М", "", "", "", ""], "Фамилия", "русские буквы"),
]


@pytest.mark.parametrize(("case", "row", "column", "message"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_row_rejects_the_whole_file(import_file, run_import, capsys, case, row, column, message):
    path = import_file(csv_bytes([GOOD_ROWS[0], row, GOOD_ROWS[2]]))
    with pytest.raises(CommandError, match="Ничего не записано"):
        run_import(path)
    report = capsys.readouterr().err
    assert f"строка 3, «{column}»" in report
    assert message in report
    assert Learner.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_duplicate_snils_inside_the_file(import_file, run_import, capsys):
    twin = ["Петров", "Пётр", "", "01.01.1980", "М", "11223344595", "", "", ""]
    with pytest.raises(CommandError):
        run_import(import_file(csv_bytes([GOOD_ROWS[0], GOOD_ROWS[1], twin])))
    assert "строка 4, «СНИЛС»: 112-233-445 95 уже встречается в строке 2" in capsys.readouterr().err
    assert Learner.objects.count() == 0


def test_every_error_is_reported_not_only_the_first(import_file, run_import, capsys):
    rows = [["", "Иван", "", "31.02.1990", "Z", "1", "", "", ""]]
    with pytest.raises(CommandError, match="ошибок — 4"):
        run_import(import_file(csv_bytes(rows)))


def test_formula_cell_in_xlsx_is_refused(import_file, run_import, capsys):
    rows = [["Иванов", "Иван", "", "15.03.1985", "М", "", "", "=1+1", ""]]
    with pytest.raises(CommandError):
        run_import(import_file(xlsx_bytes(rows), "learners.xlsx"))
    assert "строка 2, «Телефон»" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.xlsx", b"PK\x03\x04 this is not really a zip", "XLSX"),
        ("binary.csv", b"\x00\x01\x02\x03" * 100, "двоичный"),
        ("learners.pdf", b"%PDF-1.4", "формат"),
        ("empty.csv", b"", "пуст"),
        ("headers.csv", "Имя;Телефон\r\nИван;1\r\n".encode(), "нет обязательных столбцов"),
    ],
)
def test_unreadable_file_is_refused(import_file, run_import, name, content, message):
    with pytest.raises(CommandError, match=message):
        run_import(import_file(content, name))
    assert Learner.objects.count() == 0


def test_upload_page_previews_then_imports(client, registrar, make_group, make_learner):
    known = make_learner(last_name="Иванов", first_name="Иван", snils="11223344595", phone="")
    group = make_group()
    client.force_login(registrar)
    upload = SimpleUploadedFile("learners.csv", csv_bytes(GOOD_ROWS))
    preview = client.post(reverse("web:learner_import"), {"file": upload, "group": group.pk})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "новых — 2, изменятся — 1" in page
    assert Learner.objects.count() == 1  # nothing written before confirmation
    token = preview.context["token"]
    done = client.post(reverse("web:learner_import_confirm"), {"token": token}, follow=True)
    assert "Импорт завершён" in done.content.decode()
    assert Learner.objects.count() == 3
    known.refresh_from_db()
    assert known.phone == "+7 912 345-67-89"
    assert Enrollment.objects.filter(group=group).count() == 3
    again = client.post(reverse("web:learner_import_confirm"), {"token": token}, follow=True)
    assert "Предпросмотр устарел" in again.content.decode()
    assert Learner.objects.count() == 3


def test_upload_page_shows_every_error_and_writes_nothing(client, registrar):
    client.force_login(registrar)
    rows = [GOOD_ROWS[0], ["Петров", "Пётр", "", "31.02.1990", "М", "", "", "", ""]]
    response = client.post(
        reverse("web:learner_import"), {"file": SimpleUploadedFile("l.csv", csv_bytes(rows))}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Файл не загружен" in page and "31.02.1990" in page
    assert Learner.objects.count() == 0
