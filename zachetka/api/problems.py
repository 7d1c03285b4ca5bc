"""Errors as RFC 9457 problem details (application/problem+json), in Russian.

Every error of the API has the same shape: `type`, `title`, `status`, `detail`, `instance`, and
`errors` where several rows or fields are at fault (each naming its row or field).
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from zachetka.core.versioning import ConcurrentEditError
from zachetka.gradebook.services import GradeConflict, ReasonRequired

CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Неверный запрос",
    401: "Требуется аутентификация",
    403: "Недостаточно прав",
    404: "Не найдено",
    405: "Метод не поддерживается",
    406: "Формат ответа не поддерживается",
    409: "Конфликт",
    412: "Условие запроса не выполнено",
    415: "Формат тела запроса не поддерживается",
    422: "Данные не приняты",
    428: "Требуется условие запроса",
    429: "Слишком много запросов",
}


class Problem(exceptions.APIException):
    """An error with its own problem type (`urn:zachetka:problem:<kind>`) and row or field errors."""

    def __init__(
        self,
        status_code: int,
        detail: str,
        *,
        kind: str = "",
        errors: list[dict[str, Any]] | None = None,
        wait: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.wait = wait  # seconds: DRF's handler sends them as Retry-After
        self.kind = kind
        self.errors = errors


def _flatten(data: Any, path: str = "") -> list[dict[str, Any]]:
    """DRF's nested field errors as a list of {field, detail}: "grades.3.value"."""
    if isinstance(data, dict):
        return [
            error
            for key, value in data.items()
            for error in _flatten(value, f"{path}.{key}" if path else str(key))
        ]
    if isinstance(data, list):
        if all(not isinstance(item, dict | list) for item in data):
            return [{"field": path or "non_field_errors", "detail": str(item)} for item in data]
        return [error for index, value in enumerate(data) for error in _flatten(value, f"{path}.{index}")]
    return [{"field": path or "non_field_errors", "detail": str(data)}]


def _from_django(error: DjangoValidationError) -> Problem:
    if isinstance(error, GradeConflict | ConcurrentEditError):
        return Problem(409, " ".join(error.messages), kind="conflict")
    if isinstance(error, ReasonRequired):
        return Problem(422, " ".join(error.messages), kind="reason-required")
    if hasattr(error, "error_dict"):
        errors = [
            {"field": field, "detail": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
        return Problem(422, " ".join(item["detail"] for item in errors), errors=errors)
    return Problem(422, " ".join(error.messages))


def body(status_code: int, detail: str, instance: str, *, kind: str = "", errors: list | None = None) -> dict:
    problem: dict[str, Any] = {
        "type": f"urn:zachetka:problem:{kind}" if kind else "about:blank",
        "title": TITLES.get(status_code, "Ошибка"),
        "status": status_code,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        problem["errors"] = errors
    return problem


def handle(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, answering in problem details."""
    if isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    elif isinstance(exc, ObjectDoesNotExist | Http404):
        # Not Django's «No Grade matches the given query.»: every 404 of the API is in Russian.
        exc = exceptions.NotFound("Запись не найдена или недоступна.")
    elif isinstance(exc, exceptions.ParseError):
        # DRF's parser says where the JSON broke in English; the client needs only the fact.
        exc = Problem(400, "Тело запроса — не JSON или повреждено: проверьте кавычки, скобки и запятые.")
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context["request"]
    kind = getattr(exc, "kind", "")
    errors = getattr(exc, "errors", None)
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(response.data)
        detail = "Запрос не прошёл проверку: " + "; ".join(
            f"{item['field']}: {item['detail']}" for item in errors[:5]
        )
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = str(response.data["detail"])
    else:
        detail = str(exc)
    response.data = body(response.status_code, detail, request.get_full_path(), kind=kind, errors=errors)
    response.content_type = CONTENT_TYPE
    return response


def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any address under /api/v1/ that is not an endpoint."""
    return JsonResponse(
        body(status.HTTP_404_NOT_FOUND, "Такого адреса в API нет.", request.get_full_path()),
        status=404,
        content_type=CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
