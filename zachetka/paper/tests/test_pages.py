"""The archive's pages: the registry and the administration keep it; curators, teachers and
learners are refused. A signed protocol's page shows where its paper original lies."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zachetka.core import access
from zachetka.core.audit import Action
from zachetka.core.models import AuditEvent
from zachetka.paper import services
from zachetka.paper.models import Case, PaperOriginal
from zachetka.paper.tests.conftest import PDF


def _file_protocol(registrar, case, protocol):  # noqa: ANN001, ANN202
    return services.register_original(
        by=registrar,
        case=case,
        kind=PaperOriginal.Kind.PROTOCOL,
        title=f"Протокол № {protocol.number}",
        dated_on=protocol.held_on,
        sheet_from=3,
        sheet_to=5,
        protocol=protocol,
    )


def test_the_protocol_page_shows_where_its_original_lies(client, registrar, make_case, graduated):
    case = make_case()
    _file_protocol(registrar, case, graduated)
    client.force_login(registrar)
    page = client.get(reverse("attestation:protocol_detail", args=[graduated.pk])).content.decode()
    assert "Подлинник на бумаге" in page
    assert "Дело № 05-01 (2026)</a>, л. 3–5; место хранения: Каб. 12, стеллаж 3, полка 2." in page
    assert "Срок хранения: 5 лет с 1 января года после закрытия дела." in page
    services.update_case(
        by=registrar,
        case=case,
        **{name: getattr(case, name) for name in services.CASE_FIELDS} | {"closed_on": graduated.held_on},
    )
    page = client.get(reverse("attestation:protocol_detail", args=[graduated.pk])).content.decode()
    assert "Срок хранения: до 01.01.2032." in page


def test_the_original_is_found_in_one_query(registrar, make_case, graduated, django_assert_num_queries):
    case = make_case()
    _file_protocol(registrar, case, graduated)
    from zachetka.paper import selectors

    registrar = type(registrar).objects.get(pk=registrar.pk)
    access.role_names(registrar)  # the roles (hence permissions) are read once per request
    with django_assert_num_queries(1):
        original = selectors.original_of_protocol(registrar, graduated.pk)
        assert f"{original.case.index} {original.case.storage_place}" == "05-01 Каб. 12, стеллаж 3, полка 2"


def test_a_curator_sees_the_protocol_but_not_the_archive(client, registrar, curator, make_case, graduated):
    _file_protocol(registrar, make_case(), graduated)
    client.force_login(curator)
    page = client.get(reverse("attestation:protocol_detail", args=[graduated.pk]))
    assert page.status_code == 200
    assert "Подлинник на бумаге" not in page.content.decode()


def test_a_protocol_without_an_original_shows_nothing(client, registrar, graduated):
    client.force_login(registrar)
    page = client.get(reverse("attestation:protocol_detail", args=[graduated.pk])).content.decode()
    assert "Подлинник на бумаге" not in page


def test_the_registry_fills_the_nomenclature_through_the_form(client, registrar):
    client.force_login(registrar)
    data = {
        "index": "05-07",
        "year": "2026",
        "title": "Книга регистрации выданных документов",
        "retention_years": "",
        "is_permanent": "on",
        "storage_place": "Архив, стеллаж 1",
        "closed_on": "",
    }
    response = client.post(reverse("paper:case_create"), data)
    case = Case.objects.get(index="05-07")
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert case.is_permanent and case.retention_years is None
    again = client.post(reverse("paper:case_create"), data)
    assert again.status_code == 200
    assert "«05-07» за 2026 год уже есть" in again.content.decode()
    nothing = client.post(reverse("paper:case_create"), data | {"index": "05-08", "is_permanent": ""})
    assert "Укажите срок хранения в годах" in nothing.content.decode()
    assert Case.objects.count() == 1


def test_the_case_form_offers_known_articles_only_as_hints(client, registrar):
    client.force_login(registrar)
    page = client.get(reverse("paper:case_create")).content.decode()
    assert "441" in page and "протоколы итоговой аттестации слушателей" in page
    assert 'value="441"' not in page  # a hint, never a filled-in value


def test_an_original_is_filed_through_the_form_with_its_scan(client, registrar, make_case, graduated):
    case = make_case()
    client.force_login(registrar)
    form = client.get(reverse("paper:original_create", args=[case.pk]) + f"?protocol={graduated.pk}")
    assert f'value="{graduated.number}"' in form.content.decode()
    data = {
        "kind": "protocol",
        "title": f"Протокол № {graduated.number}",
        "dated_on": "25.11.2026",
        "protocol_number": graduated.number,
        "act_number": "",
        "sheet_from": "1",
        "sheet_to": "2",
        "scan": SimpleUploadedFile("протокол.pdf", PDF),
    }
    response = client.post(reverse("paper:original_create", args=[case.pk]), data)
    assert response.status_code == 302
    original = PaperOriginal.objects.get(protocol=graduated)
    assert AuditEvent.objects.filter(
        action=Action.PAPER_ORIGINAL_REGISTERED, subject_id=str(original.pk)
    ).exists()
    scan = client.get(reverse("paper:original_scan", args=[original.pk]))
    assert scan["Content-Type"] == "application/pdf" and b"".join(scan.streaming_content) == PDF
    overlapping = client.post(
        reverse("paper:original_create", args=[case.pk]),
        data | {"protocol_number": "", "kind": "other", "title": "Опись", "scan": ""},
    )
    assert "Листы 1–2 заняты" in overlapping.content.decode()
    unknown = client.post(
        reverse("paper:original_create", args=[case.pk]),
        data | {"protocol_number": "ИА-1999-999", "scan": ""},
    )
    assert "Протокола № ИА-1999-999 в системе нет." in unknown.content.decode()
    assert PaperOriginal.objects.count() == 1


def test_the_due_page_lists_a_case_whose_period_ended(client, director, make_case):
    make_case(index="09-01", year=2020, retention_years=1, closed_on=dt.date(2020, 12, 31))
    client.force_login(director)
    page = client.get(reverse("paper:due")).content.decode()
    assert "Срок истекает 01.01.2022" in page and "№ 09-01 (2020)" in page and "срок истёк" in page


@pytest.mark.parametrize("role", ["curator", "teacher", "learner_user"])
def test_others_are_refused(client, request, make_case, role):
    case = make_case()
    client.force_login(request.getfixturevalue(role))
    for url in (
        reverse("paper:case_list"),
        reverse("paper:case_detail", args=[case.pk]),
        reverse("paper:case_create"),
        reverse("paper:original_create", args=[case.pk]),
        reverse("paper:due"),
    ):
        assert client.get(url).status_code == 403, url


def test_the_nav_offers_the_archive_to_the_registry_only(client, registrar, curator):
    client.force_login(registrar)
    assert "Бумажный архив" in client.get(reverse("web:home")).content.decode()
    client.force_login(curator)
    assert "Бумажный архив" not in client.get(reverse("web:home")).content.decode()
