"""Attestation through its pages: drawing up, filling in, signing, annulling and replacing
protocols; commissions; the consolidated statement; debts."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zachetka.attestation import services
from zachetka.attestation.models import AcademicDebt, Commission, Protocol, ProtocolResult
from zachetka.core.models import AuditEvent
from zachetka.gradebook import services as gradebook_services
from zachetka.programs.models import Enrollment

HELD = "20.11.2026"


def _messages(response) -> list[str]:  # noqa: ANN001
    return [str(m) for m in response.context["messages"]] if response.context else []


def _open_statement(client, course, module="credit", **fields):  # noqa: ANN001, ANN003, ANN202
    data = {"module": course[module].pk, "held_on": HELD, "attempt": 1} | fields
    response = client.post(reverse("attestation:statement_create", args=[course["group"].pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Protocol.objects.latest("pk")


def _results_form(protocol, values, topics=None):  # noqa: ANN001, ANN202
    data = {"version": protocol.version}
    for enrollment, text in values.items():
        data[f"value-{enrollment.pk}"] = text
    for enrollment, topic in (topics or {}).items():
        data[f"topic-{enrollment.pk}"] = topic
    return data


def test_teacher_draws_up_fills_and_signs_a_statement(client, course, teacher):
    client.force_login(teacher)
    protocol = _open_statement(client, course)
    assert protocol.examiner == teacher and protocol.number == "ПА-2026-0001"
    page = client.get(reverse("attestation:protocol_detail", args=[protocol.pk])).content.decode()
    assert "Смирнова Анна Сергеевна" in page and 'name="value-' in page
    detail = reverse("attestation:protocol_detail", args=[protocol.pk])
    form = _results_form(
        protocol, {course["own"]: "зачтено", course["classmate"]: "незачёт", course["third"]: "н"}
    )
    response = client.post(detail, form, follow=True)
    assert "Результаты сохранены." in _messages(response)
    values = dict(protocol.results.values_list("enrollment_id", "value"))
    assert values == {
        course["own"].pk: "зачтено",
        course["classmate"].pk: "не зачтено",
        course["third"].pk: "н/я",
    }
    protocol.refresh_from_db()
    sign = reverse("attestation:protocol_sign", args=[protocol.pk])
    confirmation = client.post(sign, {"version": protocol.version})
    assert "3 слушателя, 3 результата (из них неявок — 1, незачётов — 1)" in confirmation.content.decode()
    assert Protocol.objects.get(pk=protocol.pk).status == Protocol.Status.DRAFT  # not signed yet
    response = client.post(sign, {"version": protocol.version, "confirmed": "1"}, follow=True)
    assert f"Протокол № {protocol.number} подписан и вступил в силу." in _messages(response)
    protocol.refresh_from_db()
    assert protocol.status == Protocol.Status.SIGNED and protocol.examiner_signed_at
    assert gradebook_services.is_locked(course["group"].pk, course["credit"].pk)
    assert set(AcademicDebt.objects.values_list("enrollment_id", flat=True)) == {
        course["classmate"].pk,
        course["third"].pk,
    }
    page = response.content.decode()
    assert 'name="value-' not in page and "Подписать" not in page


def test_one_bad_value_saves_nothing_and_names_the_learner(client, course, teacher):
    client.force_login(teacher)
    protocol = _open_statement(client, course, module="exam")
    form = _results_form(protocol, {course["own"]: "5", course["classmate"]: "7", course["third"]: "4"})
    response = client.post(reverse("attestation:protocol_detail", args=[protocol.pk]), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ничего не сохранено" in page and "Петров Пётр Петрович: «7» — не оценка" in page
    assert 'value="7"' in page  # what was typed stays in the form
    assert set(protocol.results.values_list("value", flat=True)) == {""}
    assert not AuditEvent.objects.filter(action="protocol.result_set").exists()


def test_a_stale_form_does_not_overwrite_a_newer_save(client, course, teacher, curator):
    client.force_login(teacher)
    protocol = _open_statement(client, course, module="exam")
    detail = reverse("attestation:protocol_detail", args=[protocol.pk])
    stale = _results_form(protocol, {course["own"]: "3"})
    client.post(detail, _results_form(protocol, {course["own"]: "5"}))
    client.force_login(curator)
    response = client.post(detail, stale, follow=True)
    assert any("изменил другой пользователь" in m for m in _messages(response))
    assert protocol.results.get(enrollment=course["own"]).value == "5"


def test_signing_what_changed_since_it_was_read_is_refused(client, course, teacher):
    client.force_login(teacher)
    protocol = _open_statement(client, course)
    detail = reverse("attestation:protocol_detail", args=[protocol.pk])
    read_version = protocol.version
    values = {course["own"]: "зачтено", course["classmate"]: "зачтено", course["third"]: "зачтено"}
    client.post(detail, _results_form(protocol, values))
    response = client.post(
        reverse("attestation:protocol_sign", args=[protocol.pk]),
        {"version": read_version, "confirmed": "1"},
        follow=True,
    )
    assert any("Результаты изменились" in m for m in _messages(response))
    assert Protocol.objects.get(pk=protocol.pk).status == Protocol.Status.DRAFT


def test_a_signed_statement_refuses_every_page_write(client, course, teacher, director):
    client.force_login(teacher)
    protocol = _open_statement(client, course)
    values = {course["own"]: "зачтено", course["classmate"]: "зачтено", course["third"]: "зачтено"}
    detail = reverse("attestation:protocol_detail", args=[protocol.pk])
    client.post(detail, _results_form(protocol, values))
    protocol.refresh_from_db()
    client.post(
        reverse("attestation:protocol_sign", args=[protocol.pk]),
        {"version": protocol.version, "confirmed": "1"},
    )
    protocol.refresh_from_db()
    for user in (teacher, director):
        client.force_login(user)
        response = client.post(detail, _results_form(protocol, {course["own"]: "не зачтено"}), follow=True)
        assert any("изменить его нельзя" in m for m in _messages(response))
    assert protocol.results.get(enrollment=course["own"]).value == "зачтено"
    response = client.post(
        reverse("attestation:protocol_sign", args=[protocol.pk]),
        {"version": protocol.version, "confirmed": "1"},
        follow=True,
    )
    assert any("изменить его нельзя" in m for m in _messages(response))


def test_retakes_through_the_page_and_the_third_one_needs_a_commission(client, course, teacher):
    client.force_login(teacher)
    first = _open_statement(client, course, module="exam")
    values = {course["own"]: "5", course["classmate"]: "2", course["third"]: "4"}
    client.post(reverse("attestation:protocol_detail", args=[first.pk]), _results_form(first, values))
    first.refresh_from_db()
    client.post(
        reverse("attestation:protocol_sign", args=[first.pk]), {"version": first.version, "confirmed": "1"}
    )
    groups_page = client.get(
        reverse("attestation:group_protocols", args=[course["group"].pk])
    ).content.decode()
    assert "attempt=2" in groups_page  # the module row offers the retake
    second = _open_statement(client, course, module="exam", attempt=2)
    assert list(second.results.values_list("enrollment_id", flat=True)) == [course["classmate"].pk]
    client.post(
        reverse("attestation:protocol_detail", args=[second.pk]),
        _results_form(second, {course["classmate"]: "2"}),
    )
    second.refresh_from_db()
    client.post(
        reverse("attestation:protocol_sign", args=[second.pk]), {"version": second.version, "confirmed": "1"}
    )
    url = reverse("attestation:statement_create", args=[course["group"].pk])
    response = client.post(url, {"module": course["exam"].pk, "held_on": HELD, "attempt": 3})
    assert "Вторая пересдача проводится комиссией" in response.content.decode()
    response = client.post(
        url,
        {"module": course["exam"].pk, "held_on": HELD, "attempt": 3, "commission": course["commission"].pk},
    )
    assert response.status_code == 302
    third = Protocol.objects.latest("pk")
    assert third.attempt == 3 and third.commission == course["commission"] and third.examiner is None


def _final_protocol(client, course, form="defense"):  # noqa: ANN001, ANN202
    response = client.post(
        reverse("attestation:final_protocol_create", args=[course["group"].pk]),
        {
            "held_on": "15.12.2026",
            "form": form,
            "commission": course["commission"].pk,
            "scale": course["five"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Protocol.objects.get(kind=Protocol.Kind.FINAL, status=Protocol.Status.DRAFT)


def _mark_present(client, protocol, *members):  # noqa: ANN001, ANN002, ANN202
    """Mark the members present on the protocol's page, as the client's user (the curator)."""
    protocol.refresh_from_db()
    response = client.post(
        reverse("attestation:protocol_attendance", args=[protocol.pk]),
        {"version": protocol.version, "present": [m.pk for m in members]},
        follow=True,
    )
    assert any("Присутствие отмечено" in m for m in _messages(response)), _messages(response)


def test_final_protocol_signed_by_chair_and_secretary_completes_enrolments(
    client, course, curator, pass_all_modules
):
    pass_all_modules(failing=course["third"])
    client.force_login(curator)
    admission = client.get(reverse("attestation:group_admission", args=[course["group"].pk])).content.decode()
    assert "Допущено: 2 из 3" in admission and "академическая задолженность по модулю" in admission
    protocol = _final_protocol(client, course)
    assert protocol.results.count() == 2  # Алексеев owes a module and is not admitted
    detail = reverse("attestation:protocol_detail", args=[protocol.pk])
    client.post(
        detail,
        _results_form(
            protocol,
            {course["own"]: "5", course["classmate"]: "2"},
            {course["own"]: "Учёт результатов обучения", course["classmate"]: ""},
        ),
    )
    _mark_present(client, protocol, course["chair"], course["secretary"])
    client.force_login(course["chair"])
    protocol.refresh_from_db()
    response = client.post(
        reverse("attestation:protocol_sign", args=[protocol.pk]),
        {"version": protocol.version, "confirmed": "1"},
        follow=True,
    )
    assert any("Не указана тема итоговой работы (Петров П. П.)" in m for m in _messages(response))
    client.force_login(curator)
    client.post(
        detail,
        _results_form(
            protocol,
            {course["own"]: "5", course["classmate"]: "2"},
            {course["own"]: "Учёт результатов обучения", course["classmate"]: "Архив"},
        ),
    )
    protocol.refresh_from_db()
    for signer, message in (
        (course["chair"], "ждёт подписей других членов комиссии"),
        (course["secretary"], "вступил в силу"),
    ):
        client.force_login(signer)
        response = client.post(
            reverse("attestation:protocol_sign", args=[protocol.pk]),
            {"version": protocol.version, "confirmed": "1"},
            follow=True,
        )
        assert any(message in m for m in _messages(response)), _messages(response)
        protocol.refresh_from_db()
    assert protocol.status == Protocol.Status.SIGNED
    outcomes = dict(Enrollment.objects.values_list("pk", "outcome"))
    assert outcomes[course["own"].pk] == Enrollment.Outcome.PASSED
    assert outcomes[course["classmate"].pk] == Enrollment.Outcome.FAILED
    assert Enrollment.objects.get(pk=course["third"].pk).status == Enrollment.Status.STUDYING
    page = response.content.decode()
    assert "выдать удостоверение о повышении квалификации" in page
    assert "выдать справку об обучении" in page


def test_changing_results_withdraws_a_signature_already_given(client, course, curator, pass_all_modules):
    pass_all_modules()
    client.force_login(curator)
    protocol = _final_protocol(client, course, form="exam")
    everyone = {course["own"]: "5", course["classmate"]: "4", course["third"]: "4"}
    detail = reverse("attestation:protocol_detail", args=[protocol.pk])
    client.post(detail, _results_form(protocol, everyone))
    _mark_present(client, protocol, course["chair"], course["secretary"])
    protocol.refresh_from_db()
    client.force_login(course["chair"])
    client.post(
        reverse("attestation:protocol_sign", args=[protocol.pk]),
        {"version": protocol.version, "confirmed": "1"},
    )
    protocol.refresh_from_db()
    assert protocol.chair_signed_at is not None
    client.force_login(curator)
    client.post(detail, _results_form(protocol, everyone | {course["third"]: "3"}))
    protocol.refresh_from_db()
    assert protocol.chair_signed_at is None and protocol.status == Protocol.Status.DRAFT
    event = AuditEvent.objects.filter(action="protocol.result_set").latest("seq")
    assert event.data["signatures_withdrawn"] == ["chair_signed_at"]


def test_teacher_may_not_draw_up_the_final_protocol(client, course, teacher, pass_all_modules):
    pass_all_modules()
    client.force_login(teacher)
    url = reverse("attestation:final_protocol_create", args=[course["group"].pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {"held_on": HELD, "form": "exam", "commission": course["commission"].pk, "scale": course["five"].pk},
    )
    assert response.status_code == 403
    assert not Protocol.objects.filter(kind=Protocol.Kind.FINAL).exists()


def test_annul_with_reason_then_replace(client, course, teacher, director):
    client.force_login(teacher)
    protocol = _open_statement(client, course)
    values = {course["own"]: "зачтено", course["classmate"]: "зачтено", course["third"]: "не зачтено"}
    client.post(reverse("attestation:protocol_detail", args=[protocol.pk]), _results_form(protocol, values))
    protocol.refresh_from_db()
    client.post(
        reverse("attestation:protocol_sign", args=[protocol.pk]),
        {"version": protocol.version, "confirmed": "1"},
    )
    annul = reverse("attestation:protocol_annul", args=[protocol.pk])
    response = client.post(annul, {"reason": "   "}, follow=True)
    assert response.status_code == 403  # the teacher may not annul
    client.force_login(director)
    response = client.post(annul, {"reason": "   "}, follow=True)
    assert "Укажите основание аннулирования." in _messages(response)
    response = client.post(annul, {"reason": "Перепутаны результаты Алексеева и Петрова"}, follow=True)
    protocol.refresh_from_db()
    assert protocol.status == Protocol.Status.ANNULLED and protocol.annulled_by == director
    page = response.content.decode()
    assert "Составить новый взамен аннулированного" in page
    assert not AcademicDebt.objects.filter(closed_at__isnull=True).exists()  # its debt is void
    form_url = reverse("attestation:statement_create", args=[course["group"].pk])
    form = client.get(form_url, {"replaces": protocol.pk}).content.decode()
    assert f"взамен аннулированного № {protocol.number}" in form
    response = client.post(
        form_url, {"module": course["credit"].pk, "held_on": HELD, "attempt": 1, "replaces": protocol.pk}
    )
    assert response.status_code == 302
    replacement = Protocol.objects.get(replaces=protocol)
    listing = client.get(reverse("attestation:group_protocols", args=[course["group"].pk])).content.decode()
    assert protocol.number in listing and replacement.number in listing
    assert f"взамен № {protocol.number}" in listing and "Перепутаны результаты" in listing
    original = client.get(reverse("attestation:protocol_detail", args=[protocol.pk])).content.decode()
    assert f"№ {replacement.number}" in original


def test_commission_is_created_from_its_page(client, director, course, make_user):
    client.force_login(director)
    url = reverse("attestation:commission_create")
    data = {
        "title": "Итоговая аттестационная комиссия",
        "group": course["group"].pk,
        "order_number": "77-о",
        "order_date": "01.12.2026",
        "chair": course["chair"].pk,
        "secretary": course["chair"].pk,
        "members": [course["secretary"].pk],
    }
    response = client.post(url, data)
    assert "Один человек не может занимать в комиссии два места." in response.content.decode()
    response = client.post(url, data | {"secretary": course["secretary"].pk, "members": [director.pk]})
    assert response.status_code == 302
    commission = Commission.objects.get(order_number="77-о")
    assert dict(commission.members.values_list("role", "user_id")) == {
        "chair": course["chair"].pk,
        "secretary": course["secretary"].pk,
        "member": director.pk,
    }
    page = client.get(reverse("attestation:commission_detail", args=[commission.pk])).content.decode()
    assert "приказом № 77-о от 01.12.2026" in page
    response = client.post(url, data | {"group": "", "program": ""})
    assert "Укажите программу или группу" in response.content.decode()


def test_consolidated_statement_page_and_xlsx(client, course, teacher, pass_all_modules, job_file):
    pass_all_modules(failing=course["third"])
    client.force_login(teacher)
    page = client.get(reverse("attestation:group_summary", args=[course["group"].pk])).content.decode()
    assert "Алексеев Алексей" in page and "2 задолженности" in page
    url = reverse("attestation:group_summary_print", args=[course["group"].pk])
    response = job_file(client, url, {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    # Grades are numbers where they are («4»), text where they are words.
    assert rows["Смирнова Анна Сергеевна"][2:4] == ("зачтено", 4)
    assert rows["Алексеев Алексей"][2:4] == ("не зачтено", 2)
    assert rows["Алексеев Алексей"][-1] == 2
    assert sheet.title == "Сводная ведомость"
    for row in sheet.iter_rows(min_row=5):
        for cell in row:
            assert cell.data_type != "f"
            shown = len(str(cell.value or ""))
            assert shown <= sheet.column_dimensions[cell.column_letter].width, cell.coordinate
    assert sheet.page_setup.orientation == "landscape"


def test_consolidated_statement_pdf_names_learners_and_results(
    client, course, teacher, pass_all_modules, pdf_text, job_file
):
    pass_all_modules(failing=course["third"])
    client.force_login(teacher)
    url = reverse("attestation:group_summary_print", args=[course["group"].pk])
    response = job_file(client, url, {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "СВОДНАЯ ВЕДОМОСТЬ" in text and course["group"].code in text
    assert "Смирнова Анна Сергеевна" in text and "не зачтено" in text


@pytest.mark.parametrize("learners", [3, 12])
def test_summary_page_queries_do_not_grow_with_learners(
    client, course, teacher, make_learner, make_enrollment, django_assert_max_num_queries, learners
):
    for n in range(learners - 3):
        make_enrollment(
            make_learner(last_name=f"Новиков{n}", first_name="Иван", middle_name=""), course["group"]
        )
    client.force_login(teacher)
    with django_assert_max_num_queries(14):
        client.get(reverse("attestation:group_summary", args=[course["group"].pk]))


def test_debts_per_learner_and_across_groups(client, course, teacher, curator):
    client.force_login(teacher)
    protocol = _open_statement(client, course, module="exam")
    values = {course["own"]: "5", course["classmate"]: "2", course["third"]: "н"}
    client.post(reverse("attestation:protocol_detail", args=[protocol.pk]), _results_form(protocol, values))
    protocol.refresh_from_db()
    client.post(
        reverse("attestation:protocol_sign", args=[protocol.pk]),
        {"version": protocol.version, "confirmed": "1"},
    )
    client.force_login(curator)
    listing = client.get(reverse("attestation:debt_list")).content.decode()
    assert "Петров Пётр Петрович" in listing and "Алексеев Алексей" in listing
    assert "Смирнова" not in listing
    due = (dt.date(2026, 11, 20) + dt.timedelta(days=30)).strftime("%d.%m.%Y")
    assert due in listing
    overdue = client.get(reverse("attestation:debt_list"), {"overdue": "1"}).content.decode()
    assert ("Петров Пётр Петрович" in overdue) == (timezone.localdate() > dt.date(2026, 12, 20))
    learner_page = client.get(
        reverse("attestation:learner_debts", args=[course["classmate"].learner_id])
    ).content.decode()
    assert protocol.number in learner_page and "не ликвидирована" in learner_page


def test_results_of_a_draft_are_audited_with_old_and_new_values(client, course, teacher):
    client.force_login(teacher)
    protocol = _open_statement(client, course, module="exam")
    detail = reverse("attestation:protocol_detail", args=[protocol.pk])
    client.post(detail, _results_form(protocol, {course["own"]: "3"}))
    protocol.refresh_from_db()
    client.post(detail, _results_form(protocol, {course["own"]: "4"}))
    event = AuditEvent.objects.filter(action="protocol.result_set").latest("seq")
    key = str(course["own"].learner_id)
    assert event.data["before"][key]["value"] == "3" and event.data["after"][key]["value"] == "4"
    assert event.actor_id == teacher.pk
    assert ProtocolResult.objects.get(protocol=protocol, enrollment=course["own"]).value == "4"


def test_services_refuse_a_signed_protocol_directly(course, teacher):
    protocol = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["credit"], held_on=dt.date(2026, 11, 20)
    )
    for enrollment in (course["own"], course["classmate"], course["third"]):
        services.set_result(by=teacher, protocol=protocol, enrollment=enrollment, text="зачтено")
    services.sign_protocol(by=teacher, protocol=protocol)
    with pytest.raises(services.ProtocolLocked):
        services.set_results(
            by=teacher, protocol=protocol, entries=[services.ResultEntry(course["own"].pk, "не зачтено")]
        )


def test_teacher_is_offered_statements_only_of_modules_they_teach(client, world, teacher, curator):
    group = world["mine"]
    taught, other = group.program.modules.order_by("order")[:2]
    assert group.teaching_assignments.get(teacher=teacher).module == taught
    url = reverse("attestation:group_protocols", args=[group.pk])
    client.force_login(teacher)
    page = client.get(url).content.decode()
    assert f"?module={taught.pk}" in page and f"?module={other.pk}" not in page
    form = client.get(reverse("attestation:statement_create", args=[group.pk])).content.decode()
    assert taught.title in form and other.title not in form
    client.force_login(curator)
    page = client.get(url).content.decode()
    assert f"?module={taught.pk}" in page and f"?module={other.pk}" in page
