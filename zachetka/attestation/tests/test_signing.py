"""Signing through the page: the sign button sends what is on screen, and a signature is refused
while the results there differ from those saved; otherwise a confirmation names what the
signature covers before anything is signed."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from zachetka.attestation import services
from zachetka.attestation.models import Protocol


@pytest.fixture
def statement(course, teacher):
    """The credit statement with every result saved: зачтено, не зачтено, н/я."""
    protocol = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["credit"], held_on=dt.date(2026, 11, 20)
    )
    for key, text in (("own", "зачтено"), ("classmate", "не зачтено"), ("third", "н")):
        services.set_result(by=teacher, protocol=protocol, enrollment=course[key], text=text)
    return Protocol.objects.get(pk=protocol.pk)


def _on_screen(statement, course, **changed):  # noqa: ANN001, ANN003, ANN202
    """The results form as the page sends it with the sign button: every line as saved, but
    `changed` (by course key) as typed and not saved."""
    saved = {r.enrollment_id: r.value for r in statement.results.all()}
    for key, text in changed.items():
        saved[course[key].pk] = text
    return {f"value-{pk}": value for pk, value in saved.items()}


def test_unsaved_results_on_screen_are_not_signed(client, statement, course, teacher):
    client.force_login(teacher)
    sign = reverse("attestation:protocol_sign", args=[statement.pk])
    on_screen = _on_screen(statement, course, classmate="зачтено")
    response = client.post(sign, {"version": statement.version} | on_screen)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Не подписано: на экране есть несохранённые изменения результатов (Петров П. П.)" in page
    assert f'name="value-{course["classmate"].pk}" value="зачтено"' in page  # the typing is kept
    # The page's script packs the fields into one JSON field: refused the same way.
    packed = {"version": statement.version, "results": json.dumps(on_screen)}
    assert "несохранённые изменения" in client.post(sign, packed).content.decode()
    statement.refresh_from_db()
    assert statement.status == Protocol.Status.DRAFT and statement.examiner_signed_at is None
    assert statement.results.get(enrollment=course["classmate"]).value == "не зачтено"


def test_signing_asks_to_confirm_naming_learners_and_results(client, statement, course, teacher):
    client.force_login(teacher)
    sign = reverse("attestation:protocol_sign", args=[statement.pk])
    response = client.post(sign, {"version": statement.version} | _on_screen(statement, course))
    page = response.content.decode()
    assert "3 слушателя, 3 результата (из них неявок — 1, незачётов — 1)" in page
    assert 'name="confirmed" value="1"' in page
    assert Protocol.objects.get(pk=statement.pk).status == Protocol.Status.DRAFT
    client.post(sign, {"version": statement.version, "confirmed": "1"})
    assert Protocol.objects.get(pk=statement.pk).status == Protocol.Status.SIGNED


def test_the_confirmation_reports_what_keeps_it_from_signing(client, course, teacher):
    protocol = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["exam"], held_on=dt.date(2026, 11, 20)
    )
    client.force_login(teacher)
    response = client.post(
        reverse("attestation:protocol_sign", args=[protocol.pk]), {"version": protocol.version}, follow=True
    )
    assert "Не у всех слушателей есть результат" in response.content.decode()
    assert Protocol.objects.get(pk=protocol.pk).status == Protocol.Status.DRAFT
