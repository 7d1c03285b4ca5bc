import pytest
from django.urls import reverse

from zachetka.programs.models import Enrollment, Group


def test_group_list_search_is_case_insensitive_for_cyrillic(client, registrar, make_group):
    wanted = make_group(code="ПК-2026-77")
    make_group(code="ПП-2026-01")
    client.force_login(registrar)
    response = client.get(reverse("programs:group_list"), {"q": "пк-2026"})
    assert list(response.context["page"].object_list) == [wanted]


def test_program_search_is_case_insensitive_for_cyrillic(client, registrar, make_program):
    wanted = make_program(title="Оказание первой помощи")
    make_program(title="Менеджмент")
    client.force_login(registrar)
    response = client.get(reverse("programs:program_list"), {"q": "первой ПОМОЩИ"})
    assert list(response.context["page"].object_list) == [wanted]


def test_group_page_query_count_is_constant(
    client, registrar, make_group, make_learner, make_enrollment, django_assert_num_queries
):
    group = make_group()
    make_enrollment(make_learner(), group)
    client.force_login(registrar)
    client.get(group.get_absolute_url())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(group.get_absolute_url())
    for _ in range(30):
        make_enrollment(make_learner(), group)
    with CaptureQueriesContext(connection) as many:
        client.get(group.get_absolute_url())
    assert len(many.captured_queries) == len(few.captured_queries)


def test_registrar_creates_a_group_with_russian_dates(client, registrar, make_program, curator):
    program = make_program()
    client.force_login(registrar)
    response = client.post(
        reverse("programs:group_create"),
        {
            "code": "ПК-2027-01",
            "program": program.pk,
            "starts_on": "12.01.2027",
            "ends_on": "30.01.2027",
            "curator": curator.pk,
        },
    )
    group = Group.objects.get(code="ПК-2027-01")
    assert response.url == group.get_absolute_url()
    assert group.curator == curator


def test_group_form_reports_dates_in_wrong_order(client, registrar, make_program):
    client.force_login(registrar)
    response = client.post(
        reverse("programs:group_create"),
        {
            "code": "ПК-2027-01",
            "program": make_program().pk,
            "starts_on": "30.01.2027",
            "ends_on": "12.01.2027",
        },
    )
    assert "Дата окончания раньше даты начала" in response.content.decode()


def test_enrolling_from_the_group_page(client, registrar, make_group, make_learner):
    group = make_group()
    learner = make_learner(last_name="Васильева", first_name="Ольга", middle_name="", sex="F")
    client.force_login(registrar)
    found = client.get(reverse("programs:enrollment_create", args=[group.pk]), {"q": "васильева"})
    assert learner in list(found.context["found"])
    client.post(
        reverse("programs:enrollment_create", args=[group.pk]),
        {
            "learner_id": learner.pk,
            "funding": "employer",
            "admission_order_number": "15-к",
            "admission_order_date": "01.09.2026",
        },
    )
    enrollment = Enrollment.objects.get(learner=learner, group=group)
    assert enrollment.funding == "employer" and enrollment.admission_order_number == "15-к"


def test_expulsion_form_names_missing_fields(client, registrar, world):
    enrollment = world["enrollments"]["own"]
    client.force_login(registrar)
    response = client.post(
        reverse("programs:enrollment_edit", args=[enrollment.pk]),
        {
            "status": "expelled",
            "funding": "individual",
            "version": enrollment.version,
        },
    )
    form = response.context["form"]
    assert "номер приказа" in form.errors["expulsion_order_number"][0]
    assert "дату приказа" in form.errors["expulsion_order_date"][0]


@pytest.mark.parametrize("role", ["teacher", "curator"])
def test_staff_outside_the_group_cannot_see_its_learner(client, world, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("web:learner_detail", args=[world["stranger"].pk])).status_code == 404
