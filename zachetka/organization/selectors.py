"""Reads of the organisation's requisites (everyone may read them: every document prints them)."""

from zachetka.organization import defaults
from zachetka.organization.models import Requisites


def current() -> Requisites:
    """The requisites documents print now: one query. A database without the seeded row (never
    migrated to it) still prints, with the seed values, rather than fail."""
    requisites = Requisites.objects.filter(pk=Requisites.SINGLE_ROW_ID).first()
    return requisites if requisites is not None else Requisites(**defaults.seed_values())
