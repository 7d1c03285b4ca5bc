"""One valid document of a kind per enrolment, held by the database: ten identical «выдать
документы» (or справка, or duplicate) requests fired at once through the live server issue each
document once, with consecutive registration numbers."""

import datetime as dt
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from conftest import run_concurrently
from zachetka.blanks.models import Blank
from zachetka.documents import services
from zachetka.documents.models import Document, RegistrationCounter
from zachetka.programs import services as program_services
from zachetka.programs.models import Enrollment

# Parallel requests through the live server: on SQLite every write waits for the one file lock, and
# under load a wait can outlast its timeout, so the races are run where they matter, on PostgreSQL.
race = pytest.mark.django_db(transaction=True)
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="true concurrency needs a server database"
)
ISSUED = dt.date(2026, 11, 27)


def _issue_form(enrollments: list[Enrollment], key: str | None = None) -> dict:
    data = {
        "issued_on": ISSUED.strftime("%d.%m.%Y"),
        "series": "ПК",
        "first_number": "000118",
        "enrollments": [e.pk for e in enrollments],
    }
    return data | ({"submission_key": key} if key else {})


@race
@on_postgres
@pytest.mark.parametrize("with_key", [True, False], ids=["one form key", "no form key"])
def test_ten_issue_requests_at_once_issue_each_document_once(
    post_in_parallel, graduated, registrar, course, with_key
):
    enrollments = [course["own"], course["classmate"]]
    path = reverse("documents:issue_from_protocol", args=[graduated.pk])
    responses = post_in_parallel(
        registrar, path, _issue_form(enrollments, str(uuid.uuid4()) if with_key else None)
    )
    documents = list(Document.objects.order_by("registration_seq"))
    assert [d.last_name for d in documents] == ["Петров", "Смирнова"]
    assert [d.registration_number for d in documents] == ["2026-00001", "2026-00002"]
    assert [d.number for d in documents] == ["000118", "000119"]
    assert RegistrationCounter.objects.get(year=2026).last == 2  # no registration number lost
    redirected = [status for status, _ in responses if status == 302]
    assert len(redirected) == (10 if with_key else 1)


@race
@on_postgres
def test_ten_study_certificate_requests_at_once_issue_one(post_in_parallel, course, registrar, director):
    third = course["third"]
    program_services.update_enrollment(
        by=director,
        enrollment=third,
        expected_version=third.version,
        status=Enrollment.Status.EXPELLED,
        expulsion_order_number="99-к",
        expulsion_order_date=dt.date(2026, 11, 26),
        expulsion_reason="академическая задолженность",
    )
    path = reverse("documents:study_certificate", args=[third.pk])
    post_in_parallel(registrar, path, {"issued_on": "27.11.2026"})
    post_in_parallel(registrar, path, {"issued_on": "27.11.2026", "submission_key": str(uuid.uuid4())})
    assert Document.objects.filter(enrollment=third, kind=Document.Kind.STUDY_CERTIFICATE).count() == 1


@race
@on_postgres
def test_ten_duplicate_requests_at_once_issue_one_duplicate(post_in_parallel, graduated, registrar, course):
    (original,) = services.issue_from_protocol(
        by=registrar,
        protocol=graduated,
        issued_on=ISSUED,
        series="ПК",
        first_number="000118",
        enrollments=[course["own"]],
    )
    path = reverse("documents:document_duplicate", args=[original.pk])
    data = {
        "issued_on": "28.11.2026",
        "series": "ПК",
        "number": "000200",
        "reason": "Заявление об утрате",
        "version": original.version,
    }
    post_in_parallel(registrar, path, data | {"submission_key": str(uuid.uuid4())})
    post_in_parallel(registrar, path, data)
    original.refresh_from_db()
    assert original.state == Document.State.LOST
    assert list(original.replacements.values_list("issue", "number")) == [
        (Document.Issue.DUPLICATE, "000200")
    ]


def test_a_spoiled_blank_is_owed_again_and_reissued(graduated, registrar, course):
    (spoiled,) = services.issue_from_protocol(
        by=registrar,
        protocol=graduated,
        issued_on=ISSUED,
        series="ПК",
        first_number="1",
        enrollments=[course["own"]],
    )
    with pytest.raises(ValidationError, match="Документ уже выдан: Смирнова Анна Сергеевна"):
        services.issue_from_protocol(
            by=registrar, protocol=graduated, issued_on=ISSUED, first_number="2", enrollments=[course["own"]]
        )
    services.destroy_blank(by=registrar, document=spoiled, reason="Опечатка в фамилии")
    (again,) = services.issue_from_protocol(
        by=registrar,
        protocol=graduated,
        issued_on=ISSUED,
        series="ПК",
        first_number="2",
        enrollments=[course["own"]],
    )
    assert again.is_valid and again.number == "2"


def test_the_database_itself_refuses_a_second_valid_document(graduated, registrar, course):
    (document,) = services.issue_from_protocol(
        by=registrar,
        protocol=graduated,
        issued_on=ISSUED,
        series="ПК",
        first_number="1",
        enrollments=[course["own"]],
    )
    copy = {
        field.name: getattr(document, field.name)
        for field in Document._meta.concrete_fields
        if field.name not in {"id", "registration_number", "registration_seq", "verification_code"}
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(**copy, registration_number="2026-99999", registration_seq=99999)
    # A replacement of the same document twice is refused as well.
    services.issue_duplicate(
        by=registrar, original=document, issued_on=ISSUED, series="ПК", number="2", reason="Утрата"
    )
    replacement = dict(copy, issue=Document.Issue.DUPLICATE, original=document, state=Document.State.LOST)
    replacement["state_reason"] = "Утрата"
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(**replacement, registration_number="2026-99998", registration_seq=99998)


@race
def test_two_batches_for_different_learners_from_the_same_first_blank_take_it_once(
    graduated, registrar, course
):
    """Two registrars issue to different learners at the same instant, both starting at ПК
    000118: one gets it, the other is refused naming the document that took it."""
    learners = iter([course["own"], course["classmate"]])
    pick = threading.Lock()

    def issue() -> list[Document]:
        with pick:
            enrollment = next(learners)
        return services.issue_from_protocol(
            by=registrar,
            protocol=graduated,
            issued_on=ISSUED,
            series="ПК",
            first_number="000118",
            enrollments=[enrollment],
        )

    issued, errors = run_concurrently(issue, threads=2)
    assert len(issued) == 1 and len(errors) == 1
    (document,) = issued[0]
    assert isinstance(errors[0], ValidationError)
    assert f"Бланк ПК 000118 уже использован (рег. № {document.registration_number})" in str(errors[0])
    assert Blank.objects.get(series="ПК", number="000118").document == document
    assert list(Document.objects.values_list("number", flat=True)) == ["000118"]
    assert RegistrationCounter.objects.get(year=2026).last == 1


def test_a_form_sent_again_after_it_issued_shows_what_it_issued(client, graduated, registrar, course):
    """A double click, or a reload answering «resend»: the second request comes after the first
    issued the documents, when the form would find nothing owed; it shows the first result."""
    client.force_login(registrar)
    path = reverse("documents:issue_from_protocol", args=[graduated.pk])
    form = _issue_form([course["own"], course["classmate"]], str(uuid.uuid4()))
    first = client.post(path, form)
    assert first.status_code == 302
    again = client.post(path, form, follow=True)
    assert again.redirect_chain == [(first["Location"], 302)]
    shown = [str(message) for message in again.context["messages"]]
    assert "Выдано документов: 2." in shown
    assert "Форма уже была отправлена: показан результат первой отправки." in shown
    assert Document.objects.count() == 2
    # A new submission of the form (a new key) finds nothing owed and is refused on the form.
    fresh = client.post(path, _issue_form([course["own"]], str(uuid.uuid4())))
    assert fresh.status_code == 200 and Document.objects.count() == 2
