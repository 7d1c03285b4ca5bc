"""The requisites an install starts with, until the administration fills in its own.

Only what is sure is seeded: the name (ZACHETKA_ORGANIZATION_NAME, kept for installs that set
it before requisites were data) and the head's usual post. The city is a placeholder the
requisites page flags until someone saves the form; names, address and licence start empty,
so no document prints a person or a licence that do not exist.
"""

from typing import Any

from django.conf import settings

SHORT_NAME = "УОЦ"
CITY = "г. Москва"
HEAD_POST = "Директор"


def seed_values() -> dict[str, Any]:
    return {
        "full_name": settings.ORGANIZATION_NAME,
        "short_name": SHORT_NAME,
        "city": CITY,
        "head_post": HEAD_POST,
    }


def ensure_requisites(**kwargs: Any) -> None:
    """Create the single requisites row if it is missing (after migrate or a flush)."""
    from zachetka.organization.models import Requisites

    Requisites.objects.get_or_create(pk=Requisites.SINGLE_ROW_ID, defaults=seed_values())
