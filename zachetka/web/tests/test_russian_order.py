"""Learners appear in Russian alphabetical order (ё with е) wherever people read their list:
pages, the gradebook grid and workbook, a statement and its PDF, the group's summary."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zachetka.attestation import services as attestation_services
from zachetka.core import roles
from zachetka.gradebook import services as gradebook_services
from zachetka.gradebook.models import GradingScale
from zachetka.programs.models import Module, TeachingAssignment

# (surname, first name, patronymic, sex), created in this shuffled order.
LEARNERS = [
    ("Фролова", "Анна", "Петровна", "F"),
    ("Жуков", "Борис", "Олегович", "M"),
    ("Ёлкин", "Виктор", "Ильич", "M"),
    ("Фёдорова", "Галина", "Юрьевна", "F"),
    ("Елисеев", "Дмитрий", "Андреевич", "M"),
]
RUSSIAN_ORDER = ["Елисеев", "Ёлкин", "Жуков", "Фёдорова", "Фролова"]


def assert_in_russian_order(text: str) -> None:
    positions = [text.find(surname) for surname in RUSSIAN_ORDER]
    assert -1 not in positions, (
        f"not every learner is listed: {dict(zip(RUSSIAN_ORDER, positions, strict=True))}"
    )
    listed = [surname for _, surname in sorted(zip(positions, RUSSIAN_ORDER, strict=True))]
    assert listed == RUSSIAN_ORDER


def surnames_in(workbook_bytes: bytes, sheet_name: str | None = None) -> list[str]:
    workbook = load_workbook(io.BytesIO(workbook_bytes))
    sheet = workbook[sheet_name] if sheet_name else workbook.active
    found = []
    for row in sheet.iter_rows(values_only=True):
        for value in row:
            if isinstance(value, str):
                found += [surname for surname in RUSSIAN_ORDER if value.startswith(surname + " ")]
    return found


@pytest.fixture
def group(director, teacher, make_group, make_learner, make_enrollment):
    group = make_group()
    module = group.program.modules.get(order=1)
    module.attestation_form = Module.AttestationForm.CREDIT
    module.save()
    TeachingAssignment.objects.create(group=group, module=module, teacher=teacher)
    for last_name, first_name, middle_name, sex in LEARNERS:
        make_enrollment(
            make_learner(last_name=last_name, first_name=first_name, middle_name=middle_name, sex=sex), group
        )
    gradebook_services.create_assessment(
        by=teacher,
        group=group,
        module=module,
        held_on=dt.date(2026, 11, 10),
        title="Практическая работа 1",
        scale=GradingScale.objects.get(kind=GradingScale.Kind.FIVE_POINT),
    )
    return group


@pytest.fixture
def statement(group, teacher):
    return attestation_services.create_intermediate_statement(
        by=teacher, group=group, module=group.program.modules.get(order=1), held_on=dt.date(2026, 11, 20)
    )


def test_learner_list_page(client, director, group):
    client.force_login(director)
    response = client.get(reverse("web:learner_list"))
    assert response.status_code == 200
    assert_in_russian_order(response.content.decode())


def test_group_page(client, director, group):
    client.force_login(director)
    response = client.get(reverse("programs:group_detail", args=[group.pk]))
    assert response.status_code == 200
    assert_in_russian_order(response.content.decode())


def test_gradebook_grid_and_its_print(client, teacher, group):
    client.force_login(teacher)
    module = group.program.modules.get(order=1)
    for name in ("gradebook:grid", "gradebook:grid_print"):
        response = client.get(reverse(name, args=[group.pk, module.pk]))
        assert response.status_code == 200
        assert_in_russian_order(response.content.decode())


def test_gradebook_workbook(client, teacher, group, job_file):
    client.force_login(teacher)
    response = job_file(client, reverse("gradebook:group_export_job", args=[group.pk]))
    assert surnames_in(response.content, "1. Введение") == RUSSIAN_ORDER


def test_statement_page_and_pdf(client, teacher, statement, pdf_text):
    client.force_login(teacher)
    response = client.get(reverse("attestation:protocol_detail", args=[statement.pk]))
    assert response.status_code == 200
    assert_in_russian_order(response.content.decode())
    response = client.get(reverse("attestation:protocol_pdf", args=[statement.pk]))
    assert response.status_code == 200
    assert_in_russian_order(pdf_text(response.content))


def test_group_summary_page_pdf_and_workbook(client, director, statement, group, pdf_text, job_file):
    client.force_login(director)
    response = client.get(reverse("attestation:group_summary", args=[group.pk]))
    assert response.status_code == 200
    assert_in_russian_order(response.content.decode())
    url = reverse("attestation:group_summary_print", args=[group.pk])
    assert_in_russian_order(pdf_text(job_file(client, url, {"format": "pdf"}).content))
    response = job_file(client, url, {"format": "xlsx"})
    assert surnames_in(response.content) == RUSSIAN_ORDER


def test_staff_list_and_the_audit_filter(client, director, make_user):
    for n, (last_name, first_name, _, _) in enumerate(LEARNERS):
        make_user(f"staff{n}", role=roles.TEACHER, last_name=last_name, first_name=first_name)
    client.force_login(director)
    response = client.get(reverse("staff:staff_list"))
    assert response.status_code == 200
    assert_in_russian_order(response.content.decode())
    response = client.get(reverse("core:audit_list"))
    assert response.status_code == 200
    assert_in_russian_order(response.content.decode())
