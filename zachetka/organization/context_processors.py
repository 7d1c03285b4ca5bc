from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from zachetka.organization import selectors


def requisites(request: HttpRequest) -> dict:
    """The organisation's requisites for the page footer, read only if a page shows them."""
    return {"requisites": SimpleLazyObject(selectors.current)}
