"""A statement of 1,200 learners is filled in and saved through its page: the page sends the
results as one field, so Django's 1,000-field limit, kept for every other form, is not hit."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from zachetka.attestation import services
from zachetka.attestation.models import Protocol
from zachetka.people.models import Learner
from zachetka.programs.models import Enrollment

LEARNERS = 1200


def _large_statement(course, teacher) -> Protocol:  # noqa: ANN001
    """The course's group grown by 1,200 learners (bulk-created: speed, not rules, is not the
    point here), then its credit statement opened."""
    learners = Learner.objects.bulk_create(
        Learner(
            last_name="Слушателев",
            first_name="Номер",
            middle_name=f"{n:04d}",
            birth_date=dt.date(1990, 1, 1),
            sex=Learner.Sex.MALE,
            search_key=f"слушателев номер {n:04d}",
        )
        for n in range(LEARNERS)
    )
    Enrollment.objects.bulk_create(Enrollment(learner=learner, group=course["group"]) for learner in learners)
    return services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["credit"], held_on=dt.date(2026, 11, 20)
    )


def _packed(protocol: Protocol, text: str) -> dict:
    fields = {f"value-{r.enrollment_id}": text for r in protocol.results.all()}
    return {"version": protocol.version, "results": json.dumps(fields, ensure_ascii=False)}


@pytest.fixture
def large(course, teacher) -> Protocol:  # noqa: ANN001
    return _large_statement(course, teacher)


def test_a_statement_of_1200_learners_is_saved_from_its_page(client, teacher, large):
    client.force_login(teacher)
    detail = reverse("attestation:protocol_detail", args=[large.pk])
    page = client.get(detail).content.decode()
    assert page.count('name="value-') == LEARNERS + 3
    response = client.post(detail, _packed(large, "зачтено"), follow=True)
    assert "Результаты сохранены." in response.content.decode()
    assert set(large.results.values_list("value", flat=True)) == {"зачтено"}
    assert large.results.count() == LEARNERS + 3


def test_a_field_per_learner_still_meets_the_global_limit(client, teacher, large):
    """The limit is not raised for anyone: a request of 1,200 fields is still refused."""
    client.force_login(teacher)
    data = {"version": large.version} | {f"value-{r.enrollment_id}": "зачтено" for r in large.results.all()}
    response = client.post(reverse("attestation:protocol_detail", args=[large.pk]), data)
    assert response.status_code == 400
    assert set(large.results.values_list("value", flat=True)) == {""}


@pytest.mark.parametrize(
    "packed",
    ["not json", '["зачтено"]', '{"value-1": 5}', json.dumps({"value-1": "x" * 100_000})],
    ids=["not-json", "a-list", "a-number", "too-long-for-the-protocol"],
)
def test_a_packed_field_that_is_not_what_the_page_sends_saves_nothing(client, course, teacher, packed):
    client.force_login(teacher)
    protocol = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["credit"], held_on=dt.date(2026, 11, 20)
    )
    detail = reverse("attestation:protocol_detail", args=[protocol.pk])
    response = client.post(detail, {"version": protocol.version, "results": packed}, follow=True)
    assert "Не удалось прочитать введённые результаты" in response.content.decode()
    assert set(protocol.results.values_list("value", flat=True)) == {""}


def test_errors_in_a_packed_save_keep_what_was_typed(client, course, teacher):
    client.force_login(teacher)
    protocol = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["credit"], held_on=dt.date(2026, 11, 20)
    )
    fields = {f"value-{course['own'].pk}": "зачтено", f"value-{course['classmate'].pk}": "семь"}
    response = client.post(
        reverse("attestation:protocol_detail", args=[protocol.pk]),
        {"version": protocol.version, "results": json.dumps(fields, ensure_ascii=False)},
    )
    page = response.content.decode()
    assert "Ничего не сохранено" in page and 'value="семь"' in page and 'value="зачтено"' in page
