"""Reads of the paper archive: the nomenclature, where an original lies, and the cases whose
archival period ends (to destroy, or for the expert commission to review when marked «ЭПК»)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Max, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from zachetka.core import access
from zachetka.core.access import Actor
from zachetka.paper.models import Case, PaperOriginal

# The due list looks this many years past the current one, so the archivist sees what comes next.
DUE_YEARS_AHEAD = 1


def nomenclature(year: int | None = None) -> QuerySet[Case]:
    """Cases of the nomenclature (of one year if given), with how many originals and sheets."""
    cases = Case.objects.annotate(originals_count=Count("originals"), last_sheet=Max("originals__sheet_to"))
    if year is not None:
        cases = cases.filter(year=year)
    return cases.order_by("-year", "index")


def years() -> list[int]:
    return list(Case.objects.order_by("-year").values_list("year", flat=True).distinct())


def originals_in(case: Case) -> QuerySet[PaperOriginal]:
    return case.originals.select_related("protocol", "destruction_act", "registered_by").order_by(
        "sheet_from"
    )


def originals_of_protocols(user: Actor, protocol_ids: Iterable[int]) -> dict[int, PaperOriginal]:
    """The paper original of each protocol, with its case, in one query; empty for a user who may
    not see the paper archive (the place of an original is the archive's business)."""
    if not access.may(user, "paper.view_paperoriginal"):
        return {}
    originals = PaperOriginal.objects.filter(protocol_id__in=list(protocol_ids)).select_related("case")
    return {original.protocol_id: original for original in originals}


def original_of_protocol(user: Actor, protocol_id: int) -> PaperOriginal | None:
    return originals_of_protocols(user, [protocol_id]).get(protocol_id)


@dataclass(frozen=True)
class DueCase:
    case: Case
    ends_on: dt.date

    @property
    def is_due(self) -> bool:
        return self.ends_on <= timezone.localdate()

    @property
    def action(self) -> str:
        """What the end of the period calls for: a case marked «ЭПК» goes to the expert
        commission, which decides whether it is kept; any other case may be destroyed by an act."""
        if self.case.needs_expert_review:
            return "экспертиза ценности (ЭПК)"
        return "уничтожение по акту"


def due_by_year(*, years_ahead: int = DUE_YEARS_AHEAD) -> dict[int, list[DueCase]]:
    """Closed cases of a temporary period whose period has ended or ends by the end of
    `years_ahead` years from now, by the year it ends (1 January), earliest first."""
    last_year = timezone.localdate().year + years_ahead
    cases = (
        Case.objects.filter(is_permanent=False, closed_on__isnull=False)
        .annotate(ends_year=ExtractYear("closed_on") + F("retention_years") + 1)
        .filter(ends_year__lte=last_year)
        .annotate(originals_count=Count("originals"))
        .order_by("ends_year", "year", "index")
    )
    by_year: dict[int, list[DueCase]] = defaultdict(list)
    for case in cases:
        ends_on = case.period_ends_on
        by_year[ends_on.year].append(DueCase(case, ends_on))
    return dict(by_year)
