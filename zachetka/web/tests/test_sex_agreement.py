"""Pages speak of a learner in words that agree with the learner's sex: «допущена»,
«отчислена», «зачислена» — never «допущен(а)»."""

import datetime as dt

from django.urls import reverse

from zachetka.programs import services as program_services
from zachetka.programs.models import Enrollment


def test_admission_agrees_with_each_learner(client, course, pass_all_modules, registrar):
    pass_all_modules(failing=course["third"])
    client.force_login(registrar)
    page = client.get(reverse("attestation:group_admission", args=[course["group"].pk])).content.decode()
    rows = {row.split("</a>")[0].split(">")[-1]: row for row in page.split("<tr>")[2:]}
    assert ">допущена<" in rows["Смирнова Анна Сергеевна"]
    assert ">допущен<" in rows["Петров Пётр Петрович"]
    assert ">не допущен<" in rows["Алексеев Алексей"]
    assert "(а)" not in page


def test_an_expelled_learner_is_otchislena_on_every_list(client, course, director, registrar):
    enrollment = course["own"]
    program_services.update_enrollment(
        by=director,
        enrollment=enrollment,
        expected_version=enrollment.version,
        status=Enrollment.Status.EXPELLED,
        expulsion_order_number="101-к",
        expulsion_order_date=dt.date(2026, 11, 20),
    )
    client.force_login(registrar)
    for url in (
        reverse("programs:group_detail", args=[course["group"].pk]),
        reverse("programs:enrollment_list"),
        reverse("web:learner_detail", args=[enrollment.learner_id]),
        reverse("documents:due_list"),
        reverse("documents:study_certificate", args=[enrollment.pk]),
    ):
        page = client.get(url).content.decode()
        assert "отчислена" in page, url
        assert "(а)" not in page, url


def test_enrolment_messages_agree(client, registrar, world, make_learner):
    learner = make_learner(last_name="Орлова", first_name="Ольга", middle_name="", sex="F")
    client.force_login(registrar)
    url = reverse("programs:enrollment_create", args=[world["mine"].pk])
    data = {"learner_id": learner.pk, "funding": Enrollment.Funding.INDIVIDUAL}
    page = client.post(url, data, follow=True).content.decode()
    assert "Орлова Ольга зачислена в группу" in page
    again = client.post(url, data, follow=True).content.decode()
    assert "Орлова Ольга уже зачислена в группу" in again
