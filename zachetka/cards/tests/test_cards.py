"""The individual learner card: its contents, freezing when the enrolment ends, versions."""

import datetime as dt

import pytest
from django.urls import reverse

from zachetka.attestation import services as attestation
from zachetka.cards import selectors, services
from zachetka.cards.models import CardVersion
from zachetka.documents import services as documents
from zachetka.people import services as people_services

HELD = dt.date(2026, 11, 20)


@pytest.fixture
def retaken(course, teacher, director, blank_stock):
    """Алексеев fails the credit, passes the retake; everyone passes the exam and the final
    (Алексеев with a topic-less exam); the final protocol is signed; documents issued."""
    group = course["group"]
    credit = attestation.create_intermediate_statement(
        by=teacher, group=group, module=course["credit"], held_on=HELD
    )
    for enrollment in (course["own"], course["classmate"], course["third"]):
        text = "не зачтено" if enrollment == course["third"] else "зачтено"
        attestation.set_result(by=teacher, protocol=credit, enrollment=enrollment, text=text)
    attestation.sign_protocol(by=teacher, protocol=credit)
    retake = attestation.create_intermediate_statement(
        by=teacher, group=group, module=course["credit"], held_on=dt.date(2026, 11, 24), attempt=2
    )
    attestation.set_result(by=teacher, protocol=retake, enrollment=course["third"], text="зачтено")
    attestation.sign_protocol(by=teacher, protocol=retake)
    exam = attestation.create_intermediate_statement(
        by=teacher, group=group, module=course["exam"], held_on=HELD
    )
    for enrollment in (course["own"], course["classmate"], course["third"]):
        attestation.set_result(by=teacher, protocol=exam, enrollment=enrollment, text="4")
    attestation.sign_protocol(by=teacher, protocol=exam)
    final = attestation.create_final_protocol(
        by=director,
        group=group,
        held_on=dt.date(2026, 11, 25),
        form="exam",
        commission=course["commission"],
        scale=course["five"],
    )
    for enrollment in (course["own"], course["classmate"], course["third"]):
        attestation.set_result(by=director, protocol=final, enrollment=enrollment, text="5")
    attestation.set_attendance(
        by=director, protocol=final, present=[course["chair"].pk, course["secretary"].pk]
    )
    attestation.sign_protocol(by=course["chair"], protocol=final)
    final = attestation.sign_protocol(by=course["secretary"], protocol=final)
    return {"credit": credit, "retake": retake, "final": final}


def test_card_shows_modules_with_retakes_the_final_and_documents(course, retaken, registrar):
    third = course["third"]
    documents.issue_from_protocol(
        by=registrar, protocol=retaken["final"], issued_on=dt.date(2026, 11, 27), first_number="000010"
    )
    third.refresh_from_db()
    card = selectors.card_content(third)
    assert card["learner"]["full_name"] == "Алексеев Алексей"
    assert card["enrollment"]["status"] == "обучение завершено" and card["enrollment"]["outcome"]
    credit, exam = card["modules"]
    assert credit["result"] == "зачтено" and credit["form"] == "зачёт"
    assert [(a["attempt"], a["value"]) for a in credit["attempts"]] == [(1, "не зачтено"), (2, "зачтено")]
    assert exam["result"] == "хорошо (4)"  # in words, the digits in brackets
    assert card["final"]["protocol"] == retaken["final"].number and card["final"]["value"] == "отлично (5)"
    assert card["final"]["decision"] == "выдать удостоверение о повышении квалификации"
    (document,) = card["documents"]
    assert document["registration_number"] == "2026-00001" and document["state"] == "действителен"
    assert card["debts"] == []


def test_card_is_frozen_when_the_enrolment_ends_and_versions_follow_changes(
    course, retaken, registrar, director
):
    own = course["own"]
    (first,) = CardVersion.objects.filter(enrollment=own)
    assert (first.number, first.reason) == (1, "Обучение завершено")
    assert first.sha256 == selectors.content_hash(first.frozen_content(own.learner_id))
    assert first.frozen_content(first.enrollment.learner_id)["documents"] == []
    assert first.frozen_content(first.enrollment.learner_id)["final"]["protocol"] == retaken["final"].number
    documents.issue_from_protocol(
        by=registrar, protocol=retaken["final"], issued_on=dt.date(2026, 11, 27), first_number="000010"
    )
    second = CardVersion.objects.get(enrollment=own, number=2)
    assert (
        second.frozen_content(second.enrollment.learner_id)["documents"][0]["registration_number"]
        == "2026-00003"
    )  # by surname: third
    assert second.reason == "Документ выдан"
    # The administration corrects a typo in the learner's name: a third version; the first two
    # keep what they showed.
    learner = own.learner
    learner.refresh_from_db()
    people_services.update_learner(
        by=director,
        learner=learner,
        expected_version=learner.version,
        reason="Опечатка",
        middle_name="Сергеевна-Оглы",
    )
    third = CardVersion.objects.get(enrollment=own, number=3)
    assert (
        third.frozen_content(third.enrollment.learner_id)["learner"]["full_name"]
        == "Смирнова Анна Сергеевна-Оглы"
    )
    assert third.reason == "Данные слушателя изменены"
    first.refresh_from_db()
    assert (
        first.frozen_content(first.enrollment.learner_id)["learner"]["full_name"] == "Смирнова Анна Сергеевна"
    )
    assert CardVersion.objects.filter(enrollment=own).count() == 3
    # Nothing changed: no new version.
    assert services.refresh(own, "проверка") is None


def test_a_studying_learner_has_no_frozen_card(course, retaken, world):
    studying = world["enrollments"]["stranger"]
    assert studying.status == "studying"
    assert services.refresh(studying, "проверка") is None
    assert not CardVersion.objects.filter(enrollment=studying).exists()
    assert CardVersion.objects.filter(enrollment__group=course["group"]).count() == 3


def test_frozen_pdf_is_rendered_once_and_kept_with_its_hash(course, retaken, pdf_text):
    version = CardVersion.objects.get(enrollment=course["own"], number=1)
    content = services.version_pdf(version)
    version.refresh_from_db()
    assert version.pdf and len(version.pdf_sha256) == 64
    assert services.version_pdf(version) == content
    text = pdf_text(content)
    assert "ИНДИВИДУАЛЬНАЯ КАРТА ОБУЧАЮЩЕГОСЯ" in text and "Смирнова Анна Сергеевна" in text
    assert "Версия 1 зафиксирована" in text and retaken["final"].number in text


def test_card_page_for_staff_and_for_the_learner_only_their_own(
    client, course, retaken, teacher, learner_user, world
):
    own = course["own"]
    client.force_login(teacher)
    page = client.get(reverse("cards:card", args=[own.pk])).content.decode()
    assert "Зафиксированные версии" in page and "Обучение завершено" in page
    client.force_login(learner_user)
    assert client.get(reverse("cards:card", args=[own.pk])).status_code == 200
    assert client.get(reverse("cards:card", args=[course["classmate"].pk])).status_code == 404
    assert (
        client.get(reverse("cards:card_pdf", args=[world["enrollments"]["stranger"].pk])).status_code == 404
    )


def test_annulling_the_final_protocol_adds_a_version(course, retaken, director):
    own = course["own"]
    before = CardVersion.objects.filter(enrollment=own).count()
    attestation.annul_protocol(by=director, protocol=retaken["final"], reason="Ошибка в составе комиссии")
    latest = CardVersion.objects.filter(enrollment=own).latest("number")
    assert latest.number == before + 1 and latest.reason == "Протокол аннулирован"
    assert latest.frozen_content(latest.enrollment.learner_id)["final"] is None
    # The learner is back before the final attestation: the card is live again, not frozen.
    own.refresh_from_db()
    assert own.status == own.Status.STUDYING


def test_completion_order_goes_on_the_card_and_needs_number_and_date(course, retaken, director):
    from django.core.exceptions import ValidationError

    from zachetka.programs import services as program_services

    own = course["own"]
    own.refresh_from_db()
    with pytest.raises(ValidationError, match="и номер, и дату"):
        program_services.update_enrollment(
            by=director, enrollment=own, expected_version=own.version, completion_order_number="61-в"
        )
    program_services.update_enrollment(
        by=director,
        enrollment=own,
        expected_version=own.version,
        completion_order_number="61-в",
        completion_order_date=dt.date(2026, 11, 26),
    )
    latest = CardVersion.objects.filter(enrollment=own).latest("number")
    assert (
        latest.frozen_content(latest.enrollment.learner_id)["enrollment"]["completion_order"]
        == "№ 61-в от 26.11.2026"
    )
    assert latest.reason == "Изменение зачисления"
