import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zachetka.accesslog.models import AccessRecord


class Inserts:
    """The INSERTs into the access log made while a block ran."""

    def __init__(self) -> None:
        self.context = CaptureQueriesContext(connection)

    def __enter__(self) -> "Inserts":
        self.context.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.context.__exit__(*exc)

    @property
    def count(self) -> int:
        table = AccessRecord._meta.db_table
        return sum(
            1
            for query in self.context.captured_queries
            if query["sql"].lstrip().upper().startswith("INSERT") and table in query["sql"]
        )


@pytest.fixture
def log_inserts():
    return Inserts
