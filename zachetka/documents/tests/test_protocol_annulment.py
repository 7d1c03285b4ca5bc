"""Annulling a signed final protocol after its documents were issued: the whole story, from the
confirmation page to the documents issued again on the replacement."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zachetka.attestation import services as attestation_services
from zachetka.attestation.models import Protocol
from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.documents import services
from zachetka.documents.models import Document
from zachetka.programs.models import Enrollment

ISSUED = dt.date(2026, 11, 27)


@pytest.fixture
def issued(graduated, registrar):
    return services.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=ISSUED, series="ПК", first_number="000118"
    )


def test_a_voided_document_prints_invalid(director, graduated, issued, pdf_text):
    from zachetka.documents import pdf

    services.annul_final_protocol(by=director, protocol=graduated, reason="Перепутаны результаты")
    issued[0].refresh_from_db()
    text = pdf_text(pdf.render_pdf([issued[0]]))
    assert "НЕДЕЙСТВИТЕЛЕН · ПРОТОКОЛ АННУЛИРОВАН" in text
    assert f"Протокол итоговой аттестации № {graduated.number} аннулирован" in text


def test_annulment_shows_the_documents_and_learners_first(client, director, graduated, issued):
    client.force_login(director)
    page = client.get(reverse("documents:protocol_annul", args=[graduated.pk])).content.decode()
    for document in issued:
        assert document.registration_number in page
    assert "Смирнова Анна Сергеевна" in page and "Петров Пётр Петрович" in page
    assert "Аннулировать протокол и документы (2)" in page
    graduated.refresh_from_db()
    assert graduated.status == Protocol.Status.SIGNED  # looking changes nothing


def test_the_whole_story_annul_replace_sign_issue_again(
    client, director, registrar, course, graduated, issued, finish_final
):
    client.force_login(director)
    response = client.post(
        reverse("documents:protocol_annul", args=[graduated.pk]),
        {"reason": "Приказ № 45 от 28.11.2026: перепутаны результаты", "version": graduated.version},
    )
    assert response.status_code == 302
    graduated.refresh_from_db()
    assert graduated.status == Protocol.Status.ANNULLED
    for document in issued:
        document.refresh_from_db()
        assert document.state == Document.State.VOIDED
        assert f"Протокол итоговой аттестации № {graduated.number} аннулирован" in document.state_reason
    for key in ("own", "classmate"):
        enrollment = Enrollment.objects.get(pk=course[key].pk)
        assert (enrollment.status, enrollment.outcome, enrollment.completed_on) == ("studying", "", None)
    assert AuditEvent.objects.filter(action=audit.Action.DOCUMENT_VOIDED).count() == 2
    # The public verification no longer says «действителен».
    verify = client.get(reverse("documents:verify_code", args=[issued[0].verification_code]))
    assert "недействителен: протокол аннулирован" in verify.content.decode()
    # The replacement is drawn up for the learners who came back, signed, and documents issued anew.
    response = client.post(
        reverse("attestation:final_protocol_create", args=[course["group"].pk]),
        {
            "held_on": "28.11.2026",
            "form": "exam",
            "commission": course["commission"].pk,
            "scale": course["five"].pk,
            "replaces": graduated.pk,
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    replacement = Protocol.objects.get(replaces=graduated)
    assert replacement.results.count() == 2
    replacement = finish_final(replacement)
    assert replacement.status == Protocol.Status.SIGNED
    assert Enrollment.objects.get(pk=course["own"].pk).status == Enrollment.Status.COMPLETED
    again = services.issue_from_protocol(
        by=registrar,
        protocol=replacement,
        issued_on=dt.date(2026, 11, 28),
        series="ПК",
        first_number="000120",
    )
    assert [d.registration_number for d in again] == ["2026-00003", "2026-00004"]
    assert all(d.is_valid for d in again)
    assert Document.objects.filter(state=Document.State.VALID).count() == 2


def test_a_stale_page_annuls_nothing(client, director, graduated, issued):
    client.force_login(director)
    response = client.post(
        reverse("documents:protocol_annul", args=[graduated.pk]),
        {"reason": "Ошибка", "version": graduated.version - 1},
    )
    assert response.status_code == 200
    graduated.refresh_from_db()
    assert graduated.status == Protocol.Status.SIGNED
    assert all(Document.objects.get(pk=d.pk).is_valid for d in issued)


def test_only_the_administration_annuls(client, registrar, curator, graduated, issued):
    for user in (registrar, curator):
        client.force_login(user)
        response = client.post(
            reverse("documents:protocol_annul", args=[graduated.pk]), {"reason": "x", "version": 1}
        )
        assert response.status_code == 403


def test_the_protocol_alone_cannot_be_annulled_while_its_documents_stand(director, graduated, issued):
    with pytest.raises(ValidationError, match="выданы документы"):
        attestation_services.annul_protocol(by=director, protocol=graduated, reason="Ошибка")
    assert Protocol.objects.get(pk=graduated.pk).status == Protocol.Status.SIGNED


def test_a_signed_final_protocol_without_documents_also_reopens_its_learners(director, course, graduated):
    services.annul_final_protocol(by=director, protocol=graduated, reason="Не тот состав комиссии")
    assert Enrollment.objects.get(pk=course["own"].pk).status == Enrollment.Status.STUDYING
    assert [a.is_admitted for a in attestation_services.final_admission(course["group"])].count(True) == 2
