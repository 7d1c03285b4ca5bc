from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from zachetka.core import audit


class RequestContextMiddleware:
    """Remember the client's address for audit events recorded while serving this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = audit.current_ip.set(audit.client_ip(request))
        try:
            return self.get_response(request)
        finally:
            audit.current_ip.reset(token)
