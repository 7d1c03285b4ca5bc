"""Reads of the blanks register: stock by form and series, the next free blanks, a blank's
history. Stock holds no personal data; who holds a used blank's document follows the
documents' scope (core.access)."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q

from zachetka.blanks.models import Blank, BlankForm
from zachetka.core import access
from zachetka.core.models import AuditEvent

Actor = User | AnonymousUser


@dataclass(frozen=True)
class Stock:
    """One series of one form: how many blanks came, went on documents, were spoiled, are left."""

    form: str
    series: str
    received: int
    used: int
    spoiled: int
    left: int
    first_free: str

    @property
    def form_label(self) -> str:
        return BlankForm(self.form).label

    @property
    def series_label(self) -> str:
        return self.series or "без серии"


def stock(form: str = "") -> list[Stock]:
    """Stock by form and series, with the next free number of each."""
    blanks = Blank.objects.all()
    if form:
        blanks = blanks.filter(form=form)
    rows = (
        blanks.values("form", "series")
        .annotate(
            received=Count("pk"),
            used=Count("pk", filter=Q(state=Blank.State.USED)),
            spoiled=Count("pk", filter=Q(state=Blank.State.SPOILED)),
            left=Count("pk", filter=Q(state=Blank.State.IN_STOCK)),
        )
        .order_by("form", "series")
    )
    return [
        Stock(
            form=row["form"],
            series=row["series"],
            received=row["received"],
            used=row["used"],
            spoiled=row["spoiled"],
            left=row["left"],
            first_free=first_free(row["form"], row["series"]),
        )
        for row in rows
    ]


def first_free(form: str, series: str) -> str:
    """The lowest number of the series still in stock, or «» when none is."""
    blank = (
        Blank.objects.filter(form=form, series=series, state=Blank.State.IN_STOCK)
        .order_by("prefix", "seq")
        .values_list("number", flat=True)
        .first()
    )
    return blank or ""


def free_from(*, form: str, series: str, prefix: str, seq: int) -> int:
    """How many blanks of the series are in stock from number `seq` on."""
    return Blank.objects.filter(
        form=form, series=series, prefix=prefix, seq__gte=seq, state=Blank.State.IN_STOCK
    ).count()


def find(series: str, number: str) -> Blank | None:
    return Blank.objects.filter(series=series.strip(), number=number.strip()).first()


def holder_visible(user: Actor, blank: Blank) -> bool:
    """May the user see whose document a used blank carries (the documents' own scope)."""
    if blank.document_id is None or not access.may(user, "documents.view_document"):
        return False
    scope = access.enrollment_scope(user, prefix="document__enrollment__")
    return Blank.objects.filter(pk=blank.pk).filter(scope).exists()


def history(blank: Blank) -> list[AuditEvent]:
    return AuditEvent.objects.about(blank).order_by("seq").opened()
