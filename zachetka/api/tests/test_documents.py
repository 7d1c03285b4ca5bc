"""Protocols and issued documents (read), and the public verification of a document."""

import datetime as dt

from django.urls import reverse

from zachetka.attestation.models import Protocol, ProtocolResult
from zachetka.documents.models import VerificationCheck
from zachetka.gradebook.models import GradingScale


def _statement(group) -> Protocol:  # noqa: ANN001
    protocol = Protocol.objects.create(
        kind=Protocol.Kind.INTERMEDIATE,
        number=f"ПА-2026-{group.pk:04d}",
        held_on=dt.date(2026, 11, 20),
        group=group,
        module=group.program.modules.first(),
        scale=GradingScale.objects.get(kind="pass_fail"),
        created_by=group.curator,
    )
    for enrollment in group.enrollments.all():
        ProtocolResult.objects.create(
            protocol=protocol, enrollment=enrollment, value="зачтено", is_passing=True
        )
    return protocol


def test_protocols_of_the_groups_seen_with_their_results(world, teacher, api_as):
    mine, other = _statement(world["mine"]), _statement(world["other"])
    api = api_as(teacher)
    listed = api.get(reverse("api:protocol_list")).json()["results"]
    assert [row["number"] for row in listed] == [mine.number]
    detail = api.get(reverse("api:protocol_detail", args=[mine.pk])).json()
    assert detail["scale"] == GradingScale.objects.get(kind="pass_fail").title
    assert detail["status"] == "draft"
    assert {row["enrollment"] for row in detail["results"]} == {
        world["enrollments"]["own"].pk,
        world["enrollments"]["classmate"].pk,
    }
    assert api.get(reverse("api:protocol_detail", args=[other.pk])).status_code == 404


def test_documents_for_those_who_keep_them(world, curator, teacher, registrar, api_as, make_document):
    mine = make_document(world["enrollments"]["own"], 1)
    other = make_document(world["enrollments"]["stranger"], 2, issued_on=dt.date(2027, 1, 10))
    assert [row["id"] for row in api_as(curator).get(reverse("api:document_list")).json()["results"]] == [
        mine.pk
    ]
    assert api_as(curator, name="c2").get(reverse("api:document_detail", args=[other.pk])).status_code == 404
    assert api_as(teacher).get(reverse("api:document_list")).status_code == 403
    registry = api_as(registrar)
    assert len(registry.get(reverse("api:document_list")).json()["results"]) == 2
    since = registry.get(reverse("api:document_list"), {"since": "2027-01-01"}).json()["results"]
    assert [row["registration_number"] for row in since] == [other.registration_number]


def test_verification_needs_no_token_and_shows_what_the_public_page_shows(world, client, make_document):
    document = make_document(world["enrollments"]["own"], 1)
    response = client.get(reverse("api:verify"), {"code": document.verification_code})
    assert response.status_code == 200
    assert response.json() == {
        "is_valid": True,
        "state": "valid",
        "kind": "pk",
        "registration_number": "2026-00001",
        "issued_on": document.issued_on.isoformat(),
        "holder": "Смирнова А. С.",
        "program_title": document.program_title,
        "hours": document.hours,
    }
    by_number = client.get(
        reverse("api:verify"), {"registration_number": "2026-00001", "last_name": "смирнова"}
    )
    assert by_number.json()["registration_number"] == "2026-00001"
    wrong = client.get(reverse("api:verify"), {"registration_number": "2026-00001", "last_name": "Петрова"})
    assert wrong.status_code == 404
    assert wrong.json()["detail"].startswith("Документ с такими данными не найден")
    assert VerificationCheck.objects.count() == 3


def test_verification_needs_a_code_or_a_number_with_a_surname(db, client):
    response = client.get(reverse("api:verify"), {"registration_number": "2026-00001"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"].startswith("Укажите код из QR-ссылки")


def test_guessing_numbers_is_slowed_down(db, client, settings):
    settings.VERIFY_FREE_FAILURES = 2
    for _ in range(3):
        client.get(reverse("api:verify"), {"registration_number": "2026-99999", "last_name": "Иванов"})
    response = client.get(reverse("api:verify"), {"registration_number": "2026-99999", "last_name": "Иванов"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["title"] == "Слишком много запросов"
