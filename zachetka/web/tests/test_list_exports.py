"""Lists downloaded as XLSX: exactly the rows of the page's filters, dates as dates, no formula
cells, personal columns as on the page, bounded, logged, and a query count that does not grow
with the rows."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zachetka.accesslog.models import AccessRecord
from zachetka.attestation.models import AcademicDebt
from zachetka.core import list_export, roles
from zachetka.documents.models import Document
from zachetka.programs.models import Enrollment
from zachetka.web.tests.test_authorization_matrix import _document, _protocol

# Exports made by a background job: the page's form POSTs its filters and the job makes the file.
JOB_EXPORTS = {
    "web:learner_list_xlsx",
    "programs:enrollment_list_xlsx",
    "documents:registry_xlsx",
    "documents:registry_pdf",
    "attestation:debt_list_xlsx",
}


def _sheet(response):  # noqa: ANN001, ANN202
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == list_export.CONTENT_TYPE
    return load_workbook(io.BytesIO(response.content)).active


def _table(sheet) -> list[list]:  # noqa: ANN001
    """The rows under the header (row 3), as values."""
    return [list(row) for row in sheet.iter_rows(min_row=list_export.HEADER_ROW + 1, values_only=True)]


def _header(sheet) -> list:  # noqa: ANN001
    return [cell.value for cell in sheet[list_export.HEADER_ROW]]


def _as_cell(day: dt.date) -> dt.datetime:
    """A date as openpyxl reads a date cell back: a datetime at midnight (no zone: spreadsheets
    know none)."""
    return dt.datetime.combine(day, dt.time())


def _duplicate(document: Document, seq: int) -> Document:
    """The document lost, and its duplicate (the registry names the document it replaces)."""
    Document.objects.filter(pk=document.pk).update(
        state=Document.State.LOST, state_reason="Утрата", state_changed_at=timezone.now()
    )
    copy = {
        field.name: getattr(document, field.name)
        for field in Document._meta.concrete_fields
        if field.name
        not in {"id", "registration_number", "registration_seq", "verification_code", "state", "state_reason"}
    }
    copy.update(issue=Document.Issue.DUPLICATE, original=document, number=f"{seq:06d}")
    return Document.objects.create(**copy, registration_number=f"2026-{seq:05d}", registration_seq=seq)


def _no_formulas(sheet) -> None:  # noqa: ANN001
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.fixture
def two_groups(make_group, make_learner, make_enrollment, make_user, curator):
    """Group `mine` (curated) with three learners, `other` (another curator's) with two."""
    mine = make_group(curator=curator)
    other = make_group(curator=make_user(role=roles.CURATOR, last_name="Другой"))
    people = {
        "anna": make_learner(last_name="Алексеева", first_name="Анна", middle_name="Петровна", sex="F"),
        "boris": make_learner(
            last_name="Борисов", first_name="Борис", middle_name="Ильич", phone="+7 912 000-00-01"
        ),
        "vera": make_learner(last_name="Васильева", first_name="Вера", middle_name="Олеговна", sex="F"),
        "gleb": make_learner(last_name="Глебов", first_name="Глеб", middle_name="Глебович"),
        "dina": make_learner(last_name="Дмитриева", first_name="Дина", middle_name="", sex="F"),
    }
    enrollments = {
        "anna": make_enrollment(
            people["anna"], mine, admission_order_number="7-з", admission_order_date=dt.date(2026, 8, 28)
        ),
        "boris": make_enrollment(people["boris"], mine),
        "vera": make_enrollment(people["vera"], mine, status=Enrollment.Status.ACADEMIC_LEAVE),
        "gleb": make_enrollment(people["gleb"], other),
        "dina": make_enrollment(people["dina"], other),
    }
    return {"mine": mine, "other": other, "people": people, "enrollments": enrollments}


# Learners


def test_learner_export_has_exactly_the_filtered_rows(client, registrar, two_groups, job_file):
    mine = two_groups["mine"]
    client.force_login(registrar)
    page = client.get(reverse("web:learner_list"), {"group": mine.pk, "status": "studying"})
    assert (
        f'action="{reverse("web:learner_list_xlsx")}?group={mine.pk}&amp;status=studying"'
        in page.content.decode()
    )
    sheet = _sheet(job_file(client, f"{reverse('web:learner_list_xlsx')}?group={mine.pk}&status=studying"))
    assert sheet["A1"].value == "Слушатели"
    assert sheet["A2"].value == f"Отбор: группа — {mine.code}; статус обучения — обучается"
    assert _header(sheet) == [
        "№",
        "Фамилия Имя Отчество",
        "Пол",
        "Дата рождения",
        "СНИЛС",
        "Гражданство (ОКСМ)",
        "Телефон",
        "Эл. почта",
        "Зачислений",
    ]
    rows = _table(sheet)
    assert [row[1] for row in rows] == ["Алексеева Анна Петровна", "Борисов Борис Ильич"]
    anna = two_groups["people"]["anna"]
    assert rows[0][0] == 1 and rows[0][8] == 1  # numbers stay numbers
    assert rows[0][2] == "женский" and rows[0][4] == anna.snils_display
    assert rows[0][3] == _as_cell(anna.birth_date)  # a date cell
    assert sheet.cell(row=list_export.HEADER_ROW + 1, column=4).number_format == "DD.MM.YYYY"
    assert rows[1][6] == "+7 912 000-00-01"
    _no_formulas(sheet)
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$3:$3"


def test_a_curators_export_has_no_snils(client, curator, two_groups, job_file):
    client.force_login(curator)
    sheet = _sheet(job_file(client, reverse("web:learner_list_xlsx")))
    header = _header(sheet)
    assert "СНИЛС" not in header and "Дата рождения" not in header and "Гражданство (ОКСМ)" not in header
    assert header == ["№", "Фамилия Имя Отчество", "Пол", "Телефон", "Эл. почта", "Зачислений"]
    rows = _table(sheet)
    assert [row[1] for row in rows] == [
        "Алексеева Анна Петровна",
        "Борисов Борис Ильич",
        "Васильева Вера Олеговна",
    ]  # only the learners of the curated group
    snils = {learner.snils_display for learner in two_groups["people"].values()}
    assert not snils & {str(value) for row in sheet.iter_rows(values_only=True) for value in row}


def test_a_teachers_export_has_no_contacts(client, teacher, two_groups, job_file):
    from zachetka.programs.models import TeachingAssignment

    mine = two_groups["mine"]
    TeachingAssignment.objects.create(group=mine, module=mine.program.modules.first(), teacher=teacher)
    client.force_login(teacher)
    sheet = _sheet(job_file(client, reverse("web:learner_list_xlsx")))
    assert _header(sheet) == ["№", "Фамилия Имя Отчество", "Пол", "Зачислений"]


def test_learner_export_is_logged_with_the_learners_it_holds(client, registrar, two_groups, job_file):
    other = two_groups["other"]
    client.force_login(registrar)
    _sheet(job_file(client, f"{reverse('web:learner_list_xlsx')}?group={other.pk}"))
    record = AccessRecord.objects.get()  # the download; starting the job showed nobody
    assert record.view_name == "jobs:file" and record.kind == "xlsx"
    assert set(record.learners) == {two_groups["people"]["gleb"].pk, two_groups["people"]["dina"].pk}


@pytest.mark.parametrize(
    ("url_name", "role"),
    [
        ("web:learner_list_xlsx", "registrar"),
        ("web:learner_list_xlsx", "curator"),
        ("programs:enrollment_list_xlsx", "registrar"),
        ("programs:enrollment_list_xlsx", "curator"),
        ("documents:registry_xlsx", "registrar"),
        ("attestation:debt_list_xlsx", "curator"),
    ],
)
def test_query_count_does_not_grow_with_rows(
    client, request, curator, make_learner, make_enrollment, two_groups, url_name, role
):
    user = request.getfixturevalue(role)
    mine = two_groups["mine"]
    protocol = _protocol(mine)
    seq = iter(range(1, 100))

    def add(count: int) -> None:
        for _ in range(count):
            enrollment = make_enrollment(make_learner(), mine)
            lost = _document(enrollment, next(seq))
            _duplicate(lost, next(seq))
            AcademicDebt.objects.create(
                enrollment=enrollment,
                module=protocol.module,
                arisen_from=protocol,
                due_on=dt.date(2026, 10, 1),
            )

    def queries() -> int:
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            if url_name in JOB_EXPORTS:  # the POST starts the job, which runs at once in tests
                assert client.post(reverse(url_name)).status_code == 302
            else:
                assert client.get(reverse(url_name)).status_code == 200
        return len(captured)

    add(2)
    few = queries()
    add(6)
    assert queries() == few


def test_an_export_beyond_the_bound_is_refused_with_a_message(
    client, registrar, two_groups, monkeypatch, job_file
):
    from django.urls import resolve

    from zachetka.jobs.models import Job

    monkeypatch.setattr(list_export, "MAX_ROWS", 3)
    client.force_login(registrar)
    _sheet(job_file(client, f"{reverse('web:learner_list_xlsx')}?sex=F"))  # three women: within the bound
    response = client.post(reverse("web:learner_list_xlsx"))
    job = Job.objects.get(pk=resolve(response.url).kwargs["pk"])
    assert job.status == Job.Status.FAILED and not job.file
    message = "В выгрузке было бы 5 строк, а за один раз выгружается не больше 3"
    assert message in job.error and message in client.get(response.url).content.decode()
    # Only the export given was logged; the refused one showed nobody.
    exports = AccessRecord.objects.filter(view_name="jobs:file")
    assert list(exports.values_list("learner_count", flat=True)) == [3]


# Enrolments


def test_enrollment_export_has_exactly_the_filtered_rows(client, registrar, two_groups, job_file):
    mine = two_groups["mine"]
    client.force_login(registrar)
    page = client.get(reverse("programs:enrollment_list"), {"group": mine.pk}).content.decode()
    assert f'action="{reverse("programs:enrollment_list_xlsx")}?group={mine.pk}"' in page
    sheet = _sheet(
        job_file(client, f"{reverse('programs:enrollment_list_xlsx')}?group={mine.pk}&status=studying")
    )
    assert sheet["A2"].value == f"Отбор: группа — {mine.code}; статус — обучается"
    rows = _table(sheet)
    assert [row[1] for row in rows] == ["Алексеева Анна Петровна", "Борисов Борис Ильич"]
    assert rows[0][2:8] == [
        mine.code,
        mine.program.title,
        "обучается",
        "за счёт средств физического лица",
        "7-з",
        _as_cell(dt.date(2026, 8, 28)),
    ]
    assert rows[1][6] is None and rows[1][7] is None
    _no_formulas(sheet)
    record = AccessRecord.objects.get(view_name="jobs:file")
    assert set(record.learners) == {two_groups["people"]["anna"].pk, two_groups["people"]["boris"].pk}


def test_a_curators_enrollment_export_keeps_to_their_groups(client, curator, two_groups, job_file):
    client.force_login(curator)
    rows = _table(_sheet(job_file(client, reverse("programs:enrollment_list_xlsx"))))
    assert {row[2] for row in rows} == {two_groups["mine"].code}
    # Asking for another group's enrolments yields none of them.
    rows = _table(
        _sheet(job_file(client, f"{reverse('programs:enrollment_list_xlsx')}?group={two_groups['other'].pk}"))
    )
    assert rows == []


# Documents (the registry book)


def test_registry_export_applies_the_group_filter(client, registrar, two_groups, job_file):
    mine, other = two_groups["mine"], two_groups["other"]
    enrollments = two_groups["enrollments"]
    _document(enrollments["anna"], 1)
    _document(enrollments["gleb"], 2)
    _document(enrollments["boris"], 3)
    client.force_login(registrar)
    page = client.get(reverse("documents:registry"), {"group": other.pk}).content.decode()
    assert (
        f'action="{reverse("documents:registry_xlsx")}?group={other.pk}"' in page and "Скачать XLSX" in page
    )
    sheet = _sheet(job_file(client, f"{reverse('documents:registry_xlsx')}?group={mine.pk}&page=2"))
    assert sheet["A2"].value == f"Отбор: группа {mine.code}"
    rows = _table(sheet)
    assert [row[1] for row in rows] == ["2026-00001", "2026-00003"]
    assert rows[0][0] == 1 and rows[0][2] == _as_cell(mine.ends_on)
    _no_formulas(sheet)


def test_a_registry_export_never_starts_on_a_get_and_the_same_filters_are_one_request(
    client, registrar, two_groups
):
    from django.http import QueryDict

    from zachetka.documents import jobs as document_jobs
    from zachetka.jobs import services as jobs
    from zachetka.jobs.models import Job

    mine = two_groups["mine"]
    client.force_login(registrar)
    # An old link or bookmark: back to the registry with its filters, where the button is.
    response = client.get(reverse("documents:registry_xlsx"), {"year": 2026, "group": mine.pk, "page": 3})
    assert response.status_code == 302
    assert response.url == f"{reverse('documents:registry')}?group={mine.pk}&year=2026"
    assert not Job.objects.exists()
    # The same filters in another order (or on another page) are the same request: one job.
    first, second = QueryDict(f"year=2026&group={mine.pk}"), QueryDict(f"group={mine.pk}&page=2&year=2026")
    made = [
        jobs.request(
            by=registrar,
            kind=document_jobs.REGISTRY,
            params={"query": list_export.query_params(data), "output_format": "xlsx"},
            title="Книга регистрации",
        )
        for data in (first, second)
    ]
    assert made[0] == (made[1][0], True) and made[1][1] is False


# Debts


def test_debt_export_has_exactly_the_filtered_rows(client, registrar, two_groups, job_file):
    mine = two_groups["mine"]
    protocol = _protocol(mine)
    enrollments = two_groups["enrollments"]
    for key, due in (("anna", dt.date(2020, 1, 10)), ("boris", dt.date(2099, 1, 10))):
        AcademicDebt.objects.create(
            enrollment=enrollments[key], module=protocol.module, arisen_from=protocol, due_on=due
        )
    client.force_login(registrar)
    page = client.get(reverse("attestation:debt_list"), {"overdue": "1"}).content.decode()
    assert f'action="{reverse("attestation:debt_list_xlsx")}?overdue=1"' in page
    sheet = _sheet(job_file(client, f"{reverse('attestation:debt_list_xlsx')}?overdue=1"))
    assert sheet["A2"].value.startswith("Отбор: задолженности — только с истёкшим сроком")
    rows = _table(sheet)
    assert [row[1] for row in rows] == ["Алексеева Анна Петровна"]
    assert rows[0][4:] == [
        f"№ {protocol.number}",
        _as_cell(protocol.held_on),
        _as_cell(dt.date(2020, 1, 10)),
        "да",
    ]
    everything = _table(_sheet(job_file(client, reverse("attestation:debt_list_xlsx"))))
    assert [row[1] for row in everything] == ["Алексеева Анна Петровна", "Борисов Борис Ильич"]
    _no_formulas(sheet)
