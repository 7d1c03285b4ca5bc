"""When a case's archival period ends (1 January of the year after closing, plus the period) and
which cases the due list shows, by year: to destroy, or for the expert commission («ЭПК»)."""

import datetime as dt

import pytest
import time_machine

from zachetka.paper import selectors
from zachetka.paper.models import period_end

TODAY = dt.datetime(2031, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("closed_on", "years", "ends_on"),
    [
        (dt.date(2025, 12, 31), 5, dt.date(2031, 1, 1)),
        (dt.date(2025, 1, 1), 5, dt.date(2031, 1, 1)),  # closed early in a year: still from next 1 January
        (dt.date(2026, 6, 30), 1, dt.date(2028, 1, 1)),
        (dt.date(2024, 2, 29), 3, dt.date(2028, 1, 1)),
    ],
)
def test_a_period_is_counted_from_1_january_after_closing(closed_on, years, ends_on):
    assert period_end(closed_on, years) == ends_on


def test_a_case_knows_its_end_once_closed_and_never_when_permanent(make_case):
    open_case = make_case()
    assert open_case.period_ends_on is None
    closed = make_case(index="05-02", closed_on=dt.date(2026, 11, 1))
    assert closed.period_ends_on == dt.date(2032, 1, 1)
    permanent = make_case(
        index="05-03", is_permanent=True, retention_years=None, closed_on=dt.date(2026, 11, 1)
    )
    assert permanent.period_ends_on is None


def _cases(make_case):  # noqa: ANN001, ANN202
    """Cases closed in 2025 (the 2026 nomenclature closes cases of 2026: make the years fit)."""
    return {
        "ended": make_case(index="01", year=2025, retention_years=5, closed_on=dt.date(2025, 12, 31)),
        "review": make_case(
            index="02",
            year=2025,
            retention_years=5,
            needs_expert_review=True,
            closed_on=dt.date(2025, 12, 31),
        ),
        "next_year": make_case(index="03", year=2025, retention_years=6, closed_on=dt.date(2025, 12, 31)),
        "later": make_case(index="04", year=2025, retention_years=10, closed_on=dt.date(2025, 12, 31)),
        "permanent": make_case(
            index="05", year=2025, is_permanent=True, retention_years=None, closed_on=dt.date(2025, 12, 31)
        ),
        "open": make_case(index="06", year=2025, retention_years=1),
    }


def test_the_due_list_groups_cases_by_the_year_their_period_ends(make_case):
    cases = _cases(make_case)
    with time_machine.travel(TODAY, tick=False):
        due = selectors.due_by_year()
        assert list(due) == [2031, 2032]
        ended, review = due[2031]
        assert (ended.case, review.case) == (cases["ended"], cases["review"])
        assert ended.ends_on == dt.date(2031, 1, 1) and ended.is_due
        assert ended.action == "уничтожение по акту"
        assert review.action == "экспертиза ценности (ЭПК)"
        (upcoming,) = due[2032]
        assert upcoming.case == cases["next_year"] and not upcoming.is_due


def test_nothing_is_due_before_its_time(make_case):
    _cases(make_case)
    with time_machine.travel(dt.datetime(2029, 6, 1, tzinfo=dt.UTC), tick=False):
        assert selectors.due_by_year() == {}
