"""The home page per role: each section's items and counts, scoped to the user, the charts'
numbers in their SVG and tables, and a query count that does not grow with the data."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zachetka.attestation import services as attestation_services
from zachetka.core import roles
from zachetka.gradebook import services as gradebook_services
from zachetka.gradebook.models import Assessment, GradingScale
from zachetka.people import services as people_services
from zachetka.programs.models import Enrollment, TeachingAssignment

# After the world's assessment (due 13.09.2026) and the course's statements (20.11.2026).
TODAY = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    return response.content.decode()


def _grade(teacher, world, key: str, text: str) -> None:
    gradebook_services.record_grade(
        by=teacher,
        assessment=world["assessments"]["mine"],
        enrollment=world["enrollments"][key],
        text=text,
        expected_version=0,
        reason="Внесено после срока: ведомость сдана позже",
    )


def _section(page: str, name: str) -> str:
    match = re.search(rf'<section class="home-section" id="home-{name}".*?</section>', page, re.S)
    assert match, f"no {name} section"
    return match.group(0)


def test_teacher_sees_own_gradebooks_with_empty_and_overdue_cells(client, world, teacher):
    _grade(teacher, world, "own", "5")
    page = _section(_home(client, teacher), "teacher")
    mine, other = world["mine"], world["other"]
    grid = reverse("gradebook:grid", args=[mine.pk, mine.program.modules.first().pk])
    row = re.search(rf'<tr><td><a href="/groups/{mine.pk}/">{mine.code}</a></td>.*?</tr>', page, re.S).group(
        0
    )
    assert grid in row
    # One assessment, two studying learners, one grade in: one empty cell, past its deadline.
    assert re.findall(r'<td class="num">(?:<b>)?(\d+)', row) == ["1", "1", "1"]
    assert "Не внесено в срок: 1 оценка" in page
    # A colleague's gradebook is not the teacher's business.
    assert other.code not in page
    assert reverse("gradebook:grid", args=[other.pk, other.program.modules.first().pk]) not in page


def test_teacher_sees_the_statements_to_fill_and_sign(client, course, teacher, world):
    statement = attestation_services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["credit"], held_on=dt.date(2026, 11, 20)
    )
    page = _section(_home(client, teacher), "teacher")
    assert reverse("attestation:protocol_detail", args=[statement.pk]) in page
    assert "заполнить и подписать" in page
    other_page = _home(client, world["other_teacher"])
    assert reverse("attestation:protocol_detail", args=[statement.pk]) not in other_page


def test_curator_sees_progress_debts_and_who_is_not_admitted(client, course, pass_all_modules, curator):
    pass_all_modules(failing=course["third"])
    page = _section(_home(client, curator), "curator")
    group = course["group"]
    assert f"Группа {group.code}" in page
    # Two modules failed by Алексеев: two open debts, and he alone is not admitted.
    assert "2 открытые" in page
    assert "допущено 2 из 3" in page
    assert page.count("Алексеев Алексей") >= 2  # in the debts and in the not admitted
    assert "академическая задолженность по модулю «Введение»" in page
    assert reverse("attestation:group_admission", args=[group.pk]) in page
    assert "Смирнова Анна" not in page  # admitted learners are not listed


def test_curator_group_chart_counts_the_current_grades(client, world, teacher, curator):
    _grade(teacher, world, "own", "5")
    _grade(teacher, world, "classmate", "2")
    page = _section(_home(client, curator), "curator")
    assert "100% (2 из 2)" in page
    svg = re.search(r"<svg .*?</svg>", page, re.S).group(0)
    # A group of bars, not an image: its bar links to the group's gradebook.
    assert 'role="group"' in svg and "<title>Текущие оценки группы" in svg
    assert "отлично — 1" in svg and "неудовлетворительно — 1" in svg and "нет оценки — 0" in svg
    # Counts, never names.
    assert "Смирнова" not in svg and "Петров" not in svg
    assert world["other"].code not in page


def test_group_page_shows_the_results_distribution(client, world, teacher):
    _grade(teacher, world, "own", "4")
    client.force_login(teacher)
    page = client.get(reverse("programs:group_detail", args=[world["mine"].pk])).content.decode()
    svg = re.search(r'<svg class="chart-svg".*?</svg>', page, re.S).group(0)
    assert "хорошо — 1" in svg and "нет оценки — 1" in svg
    assert "<summary>Таблица</summary>" in page


def test_registry_sees_documents_due_cabinets_and_imports(
    client, world, registrar, make_learner, make_enrollment
):
    expelled = make_learner(last_name="Отчисленная", first_name="Вера", sex="F")
    make_enrollment(
        expelled,
        world["mine"],
        status=Enrollment.Status.EXPELLED,
        expulsion_order_number="12-о",
        expulsion_order_date=dt.date(2026, 11, 20),
        expulsion_reason="по собственному желанию",
    )
    with_mail = make_learner(last_name="Почтова", first_name="Анна", sex="F", email="pochtova@example.ru")
    make_enrollment(with_mail, world["other"])
    people_services.import_learners(by=registrar, planned=[], source="весна.xlsx")
    page = _section(_home(client, registrar), "registry")
    assert "<b>1</b>документ к выдаче, просрочено — 1" in page
    assert "Отчисленная Вера" in page and "просрочено" in page
    assert reverse("documents:study_certificate", args=[expelled.enrollments.get().pk]) in page
    assert re.search(rf'{world["other"].code}</a></td><td class="num">1</td>', page)
    assert "весна.xlsx" in page


def test_director_sees_the_centre_in_charts_with_their_numbers(client, course, pass_all_modules, director):
    pass_all_modules(failing=course["third"])
    page = _section(_home(client, director), "administration")
    charts = re.findall(r'<figure class="chart">.*?</figure>', page, re.S)
    assert len(charts) == 4
    results, overdue, debts, documents = charts
    assert "обучаются — 3" in results and f"?program={course['group'].program_id}" in results
    # Two open debts arisen in November 2026: the last column, linked to the debts list.
    assert "<title>ноябрь 2026: 2</title>" in debts and reverse("attestation:debt_list") in debts
    assert '<td>ноябрь 2026</td><td class="num">2</td>' in debts
    assert 'aria-label="Оценки, не внесённые в срок, по преподавателям"' in overdue
    assert "Данных пока нет." in documents


def test_several_roles_see_each_section_administration_first(client, world, make_user):
    user = make_user("many", role=roles.ADMINISTRATION)
    for role in (roles.TEACHER, roles.CURATOR, roles.STAFF):
        user.groups.add(user.groups.model.objects.get(name=role))
    page = _home(client, user)
    positions = [
        page.index(f'id="home-{name}"') for name in ("administration", "registry", "curator", "teacher")
    ]
    assert positions == sorted(positions)


def _grow(
    world, teacher, curator, make_group, make_learner, make_enrollment, director, groups: int, size: int
):
    """Add `groups` groups curated by `curator` and taught by `teacher`, `size` learners each,
    one graded assessment each."""
    five = GradingScale.objects.get(kind=GradingScale.Kind.FIVE_POINT)
    for _ in range(groups):
        group = make_group(curator=curator)
        module = group.program.modules.first()
        TeachingAssignment.objects.create(group=group, module=module, teacher=teacher)
        assessment = Assessment.objects.create(
            group=group,
            module=module,
            held_on=dt.date(2026, 10, 1),
            title="Тест",
            scale=five,
            due_on=dt.date(2026, 10, 5),
            created_by=director,
        )
        for i in range(size):
            enrollment = make_enrollment(make_learner(email=f"g{group.pk}l{i}@example.ru"), group)
            if i % 2:
                gradebook_services.record_grade(
                    by=teacher,
                    assessment=assessment,
                    enrollment=enrollment,
                    text="4",
                    expected_version=0,
                    reason="Внесено после срока",
                )


def test_home_query_count_does_not_grow_with_the_data(
    client,
    django_assert_max_num_queries,
    world,
    director,
    make_user,
    make_group,
    make_learner,
    make_enrollment,
):
    user = make_user("all_roles", role=roles.ADMINISTRATION)
    for role in (roles.TEACHER, roles.CURATOR, roles.STAFF):
        user.groups.add(user.groups.model.objects.get(name=role))
    grow = (world, user, user, make_group, make_learner, make_enrollment, director)
    _grow(*grow, groups=1, size=2)
    client.force_login(user)
    client.get(reverse("web:home"))  # caches filled once per process (content types, requisites)
    with CaptureQueriesContext(connection) as small:
        first = client.get(reverse("web:home")).content.decode()
    _grow(*grow, groups=5, size=8)
    with django_assert_max_num_queries(len(small)):
        page = client.get(reverse("web:home")).content.decode()
    teacher = _section(page, "teacher")
    assert teacher.count("/gradebook/") > _section(first, "teacher").count("/gradebook/")
    assert _section(page, "curator").count('<article class="card home-group">') == 6


def test_group_page_query_count_does_not_grow_with_its_grades(
    client, django_assert_max_num_queries, world, director, curator, teacher, make_learner, make_enrollment
):
    group = world["mine"]
    url = reverse("programs:group_detail", args=[group.pk])
    _grade(teacher, world, "own", "5")
    client.force_login(curator)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    five = GradingScale.objects.get(kind=GradingScale.Kind.FIVE_POINT)
    hundred = GradingScale.objects.get(kind=GradingScale.Kind.HUNDRED_POINT)
    module = group.program.modules.last()
    columns = [
        Assessment.objects.create(
            group=group,
            module=module,
            held_on=dt.date(2026, 10, 1),
            title=f"Тест {scale.kind}",
            scale=scale,
            due_on=dt.date(2026, 12, 5),
            created_by=director,
        )
        for scale in (five, hundred)
    ]
    for i in range(8):
        enrollment = make_enrollment(make_learner(last_name=f"Новиков{i}"), group)
        for column, text in zip(columns, ("3", str(40 + 7 * i)), strict=True):
            gradebook_services.record_grade(
                by=director, assessment=column, enrollment=enrollment, text=text, expected_version=0
            )
    with django_assert_max_num_queries(len(small)):
        page = client.get(url).content.decode()
    # 100-point grades fall into their bands: 40, 47 fail; 54–89 pass.
    assert ">удовлетворительно — 11<" in page  # 8 threes and 54, 61, 68
    assert "неудовлетворительно — 2" in page
    assert ">хорошо — 2<" in page and ">отлично — 2<" in page  # 75, 82; 89 and the world's 5
