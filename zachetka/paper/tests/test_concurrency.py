"""Two archivists filing on the same sheets at once: the case's row lock lets one through."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from conftest import run_concurrently
from zachetka.paper import services
from zachetka.paper.models import Case, PaperOriginal


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="true concurrency needs a server database")
def test_overlapping_sheets_filed_at_once_are_taken_once(make_case, registrar):
    case = make_case()
    counter = iter(range(100))

    def file() -> PaperOriginal:
        n = next(counter)
        # Different first sheets, so only the lock (not the unique first sheet) can keep them apart.
        return services.register_original(
            by=registrar,
            case=Case.objects.get(pk=case.pk),
            kind="other",
            title=f"Документ {n}",
            dated_on=dt.date(2026, 11, 20),
            sheet_from=1 + n,
            sheet_to=10,
        )

    filed, errors = run_concurrently(file, threads=4)
    assert len(filed) == 1 and len(errors) == 3
    assert all(isinstance(error, ValidationError) and "заняты" in error.messages[0] for error in errors)
    assert PaperOriginal.objects.count() == 1
