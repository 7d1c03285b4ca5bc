import datetime as dt

from zachetka.attestation import pdf, services
from zachetka.attestation.models import Protocol


def test_statement_pdf_names_learners_results_and_signatures(course, teacher, pdf_text):
    protocol = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["credit"], held_on=dt.date(2026, 11, 20)
    )
    for enrollment, text in (
        (course["own"], "зачтено"),
        (course["classmate"], "не зачтено"),
        (course["third"], "н"),
    ):
        services.set_result(by=teacher, protocol=protocol, enrollment=enrollment, text=text)
    services.sign_protocol(by=teacher, protocol=protocol)
    text = pdf_text(pdf.render_protocol_pdf(Protocol.objects.get(pk=protocol.pk)))
    assert "ВЕДОМОСТЬ ПРОМЕЖУТОЧНОЙ АТТЕСТАЦИИ" in text
    assert "№ ПА-2026-0001 от 20.11.2026" in text
    for line in ("Смирнова Анна Сергеевна", "Петров Пётр Петрович", "Алексеев Алексей"):
        assert line in text
    assert "не зачтено" in text and "не явился" in text and "н/я" not in text
    assert "Аттестовано: 1 из 3" in text
    assert "Преподавательская Ирина" in text


def test_final_protocol_pdf_lists_commission_topics_and_decisions(
    course, director, pass_all_modules, pdf_text
):
    pass_all_modules()
    protocol = services.create_final_protocol(
        by=director,
        group=course["group"],
        held_on=dt.date(2026, 12, 18),
        form=Protocol.FinalForm.DEFENSE,
        commission=course["commission"],
        scale=course["five"],
    )
    for key, text, topic in (
        ("own", "5", "Цифровой след урока"),
        ("classmate", "2", "Облачный класс"),
        ("third", "4", "Тесты в СДО"),
    ):
        services.set_result(
            by=course["secretary"], protocol=protocol, enrollment=course[key], text=text, work_topic=topic
        )
    text = pdf_text(pdf.render_protocol_pdf(protocol))
    assert "ПРОТОКОЛ ЗАСЕДАНИЯ АТТЕСТАЦИОННОЙ КОМИССИИ" in text
    assert "Председатель" in text and "Иванова Председатель" in text and "Секретарь" in text
    assert "Цифровой след урока" in text and "выдать справку об обучении" in text
    assert "приказом № 15-о от 01.09.2026" in text


def test_protocols_page_lists_annulled_and_replacement_with_pdf(client, course, teacher, director, pdf_text):
    from django.urls import reverse

    protocol = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["credit"], held_on=dt.date(2026, 11, 20)
    )
    for enrollment in (course["own"], course["classmate"], course["third"]):
        services.set_result(by=teacher, protocol=protocol, enrollment=enrollment, text="зачтено")
    services.sign_protocol(by=teacher, protocol=protocol)
    services.annul_protocol(by=director, protocol=protocol, reason="Неверная дата заседания")
    replacement = services.create_intermediate_statement(
        by=teacher,
        group=course["group"],
        module=course["credit"],
        held_on=dt.date(2026, 11, 21),
        replaces=protocol,
    )
    client.force_login(teacher)
    page = client.get(reverse("attestation:group_protocols", args=[course["group"].pk])).content.decode()
    assert "№ ПА-2026-0001" in page and "аннулирован" in page and "Неверная дата заседания" in page
    assert "№ ПА-2026-0002" in page and "взамен № ПА-2026-0001" in page
    response = client.get(reverse("attestation:protocol_pdf", args=[protocol.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "АННУЛИРОВАН" in pdf_text(response.content)
    replacement_text = pdf_text(
        client.get(reverse("attestation:protocol_pdf", args=[replacement.pk])).content
    )
    assert "взамен аннулированного протокола № ПА-2026-0001" in replacement_text
