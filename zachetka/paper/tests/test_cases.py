"""The nomenclature of cases: an index once per year (the database holds it), a period in years or
«постоянно», closing dates that make sense; every change audited."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from zachetka.core.audit import Action
from zachetka.core.models import AuditEvent
from zachetka.paper import services
from zachetka.paper.models import Case


def test_a_case_is_created_and_audited(make_case, registrar):
    case = make_case(article="441", needs_expert_review=True)
    event = AuditEvent.objects.get(action=Action.PAPER_CASE_CREATED, subject_id=str(case.pk))
    assert event.actor_id == registrar.pk
    assert event.data["after"]["index"] == "05-01" and event.data["after"]["article"] == "441"
    assert case.period_label == "5 лет, ЭПК"


def test_an_index_is_unique_per_year_with_a_message(make_case):
    make_case()
    with pytest.raises(ValidationError, match="«05-01» за 2026 год уже есть"):
        make_case(title="Другое дело")
    assert make_case(year=2025).year == 2025  # the same index in another year is another case
    assert Case.objects.filter(index="05-01").count() == 2


def test_the_database_refuses_a_second_index_of_a_year(make_case, registrar):
    case = make_case()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            index=case.index, title="Дубль", year=case.year, retention_years=3, created_by=registrar
        )


def test_a_period_is_years_or_permanent(make_case, registrar):
    with pytest.raises(ValidationError, match="срок хранения в годах или отметьте"):
        make_case(retention_years=None)
    with pytest.raises(ValidationError, match="хранится постоянно: срок в годах не указывается"):
        make_case(is_permanent=True, retention_years=5)
    permanent = make_case(is_permanent=True, retention_years=None)
    assert permanent.period_label == "постоянно"
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            index="x", title="x", year=2026, is_permanent=True, retention_years=3, created_by=registrar
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(index="y", title="y", year=2026, retention_years=None, created_by=registrar)


def test_a_closing_date_is_not_before_the_year_nor_in_the_future(make_case):
    with pytest.raises(ValidationError, match="не может быть закрыто раньше"):
        make_case(closed_on=dt.date(2025, 12, 31))
    with pytest.raises(ValidationError, match="не может быть в будущем"):
        make_case(closed_on=dt.date(2999, 1, 1))
    assert not Case.objects.exists()


def test_an_update_is_audited_with_what_changed(make_case, director):
    case = make_case()
    fields = {name: getattr(case, name) for name in services.CASE_FIELDS}
    services.update_case(by=director, case=case, **fields | {"storage_place": "Архив, стеллаж 1"})
    event = AuditEvent.objects.get(action=Action.PAPER_CASE_UPDATED, subject_id=str(case.pk))
    assert event.data["before"] == {"storage_place": "Каб. 12, стеллаж 3, полка 2"}
    assert event.data["after"] == {"storage_place": "Архив, стеллаж 1"}


def test_an_update_cannot_take_another_cases_index(make_case, registrar):
    make_case()
    other = make_case(index="05-02")
    fields = {name: getattr(other, name) for name in services.CASE_FIELDS}
    with pytest.raises(ValidationError, match="уже есть"):
        services.update_case(by=registrar, case=other, **fields | {"index": "05-01"})
    other.refresh_from_db()
    assert other.index == "05-02"


def test_a_case_is_not_closed_before_its_last_document(make_case, registrar):
    case = make_case()
    services.register_original(
        by=registrar,
        case=case,
        kind="other",
        title="Опись",
        dated_on=dt.date(2026, 11, 20),
        sheet_from=1,
        sheet_to=1,
    )
    fields = {name: getattr(case, name) for name in services.CASE_FIELDS}
    with pytest.raises(ValidationError, match="документ от 20.11.2026"):
        services.update_case(by=registrar, case=case, **fields | {"closed_on": dt.date(2026, 11, 19)})
    with pytest.raises(ValidationError, match="индекс и год не меняются"):
        services.update_case(by=registrar, case=case, **fields | {"index": "05-99"})
    services.update_case(by=registrar, case=case, **fields | {"closed_on": dt.date(2026, 11, 20)})
    case.refresh_from_db()
    assert case.closed_on == dt.date(2026, 11, 20)
