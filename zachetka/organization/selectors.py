"""Reads of the organisation's requisites (everyone may read them: every document prints them)."""

from dataclasses import dataclass

from django.conf import settings

from zachetka.organization import defaults
from zachetka.organization.models import Deadlines, Requisites


def current() -> Requisites:
    """The requisites documents print now: one query. A database without the seeded row (never
    migrated to it) still prints, with the seed values, rather than fail."""
    requisites = Requisites.objects.filter(pk=Requisites.SINGLE_ROW_ID).first()
    return requisites if requisites is not None else Requisites(**defaults.seed_values())


@dataclass(frozen=True)
class EffectiveDeadlines:
    """The deadlines in force, in days, and which of them the administration has set."""

    grade_entry_days: int
    academic_debt_days: int
    frdo_report_days: int
    set_by_organisation: frozenset[str]


def deadlines() -> EffectiveDeadlines:
    """The deadlines services go by: the administration's values, else the settings' defaults.

    One query, no cache: a value saved on the «Сроки» page holds from the next request on, in
    every process."""
    row = Deadlines.objects.filter(pk=Deadlines.SINGLE_ROW_ID).first()
    values: dict[str, int] = {}
    chosen: set[str] = set()
    for name, (setting, _lowest, _highest) in Deadlines.FIELDS.items():
        saved = getattr(row, name) if row is not None else None
        if saved is not None:
            chosen.add(name)
        values[name] = saved if saved is not None else getattr(settings, setting)
    return EffectiveDeadlines(**values, set_by_organisation=frozenset(chosen))
