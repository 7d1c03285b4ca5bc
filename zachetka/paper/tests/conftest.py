import datetime as dt
from collections.abc import Callable

import pytest

from zachetka.paper import services
from zachetka.paper.models import Case


@pytest.fixture
def make_case(registrar) -> Callable[..., Case]:
    """A case of the 2026 nomenclature kept 5 years, open unless `closed_on` is given."""

    def make(**fields: object) -> Case:
        values = {
            "index": "05-01",
            "title": "Протоколы итоговой аттестации",
            "year": 2026,
            "article": "",
            "retention_years": 5,
            "is_permanent": False,
            "needs_expert_review": False,
            "storage_place": "Каб. 12, стеллаж 3, полка 2",
            "closed_on": None,
        }
        values.update(fields)
        return services.create_case(by=registrar, **values)

    return make


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def closed_2025() -> dt.date:
    return dt.date(2025, 12, 31)
