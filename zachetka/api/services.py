"""Writes through the API: tokens, and grades by the gradebook's own service, audited with the
name of the token they came through."""

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zachetka.api.models import TOKEN_START, ApiToken, IdempotencyKey, token_hash
from zachetka.core import audit, names
from zachetka.gradebook import services as gradebook
from zachetka.gradebook.models import Assessment, Grade
from zachetka.programs.models import Enrollment

# The administration's permissions on the «Интеграции (API)» page.
VIEW_TOKENS = "api.view_apitoken"
ISSUE_TOKENS = "api.add_apitoken"
REVOKE_TOKENS = "api.change_apitoken"
# A client key protects against a repeated request for this long; older keys are swept away.
KEY_LIFETIME = dt.timedelta(days=30)
# The most cells one bulk request may carry: a sheet of 200 learners by 50 columns.
MAX_BULK_ROWS = 10_000


def create_token(
    *, name: str, user: User, created_by: str = "", by: User | None = None
) -> tuple[ApiToken, str]:
    """Issue a token acting as `user`; return it with its text, which is shown only now.

    `by` is the administration's member issuing it on the site; `created_by` names the operator
    of `manage.py create_api_token`, which has no site user."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Укажите название интеграции."})
    if not user.is_active:
        raise ValidationError({"user": f"Учётная запись «{user.get_username()}» отключена."})
    created_by = created_by or (user_label(by) if by is not None else "")
    try:
        return _create_token(name=name, user=user, created_by=created_by, by=by)
    except IntegrityError as error:  # the same name issued at the same moment: the index decides
        raise ValidationError({"name": f"Токен «{name}» уже есть."}) from error


@transaction.atomic
def _create_token(*, name: str, user: User, created_by: str, by: User | None) -> tuple[ApiToken, str]:
    if ApiToken.objects.filter(name=name).exists():
        raise ValidationError({"name": f"Токен «{name}» уже есть."})
    prefix = secrets.token_hex(6)
    text = f"{TOKEN_START}{prefix}.{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name, user=user, prefix=prefix, secret_hash=token_hash(text), created_by=created_by
    )
    audit.record(
        by=by,
        action=audit.Action.API_TOKEN_CREATED,
        subject=token,
        after={"name": name, "acts_as": user_label(user), "created_by": created_by},
    )
    return token, text


@transaction.atomic
def revoke_token(*, name: str, revoked_by: str = "", by: User | None = None, reason: str = "") -> ApiToken:
    """Revoke a token at once: its next request gets 401."""
    token = ApiToken.objects.select_for_update().filter(name=name).first()
    if token is None:
        raise ValidationError({"name": f"Токена «{name}» нет."})
    if token.is_revoked:
        raise ValidationError({"name": f"Токен «{name}» уже отозван."})
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        by=by,
        action=audit.Action.API_TOKEN_REVOKED,
        subject=token,
        extra={"name": name, "revoked_by": revoked_by or (user_label(by) if by is not None else "")},
        reason=reason.strip(),
    )
    return token


def user_label(user: User) -> str:
    """«Фамилия Имя Отчество (login)»: who issued or revoked a token, as the list shows it."""
    return f"{names.user_full_name(user)} ({user.get_username()})"


@contextmanager
def _through(token: ApiToken) -> Iterator[None]:
    """Name the token in every audit event recorded inside."""
    reset = audit.current_api_token.set(token.name)
    try:
        yield
    finally:
        audit.current_api_token.reset(reset)


def save_grade(
    *,
    by: User,
    token: ApiToken,
    assessment: Assessment,
    enrollment: Enrollment,
    text: str,
    expected_version: int,
    reason: str = "",
) -> Grade | None:
    """Put a value into one cell, with every check of the gradebook's grid."""
    with _through(token):
        return gradebook.record_grade(
            by=by,
            assessment=assessment,
            enrollment=enrollment,
            text=text,
            expected_version=expected_version,
            reason=reason,
        )


@dataclass(frozen=True)
class CellInput:
    assessment: int
    enrollment: int
    value: str
    expected_version: int
    reason: str = ""


@dataclass(frozen=True)
class RowError:
    row: int
    code: str
    detail: str


@dataclass
class BulkResult:
    cells: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class RowErrors(Exception):  # noqa: N818 - carries the report of a refused batch
    """Some rows were refused: nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} rows refused")
        self.errors = errors


class KeyReused(Exception):  # noqa: N818 - a refusal shown to the client
    """The idempotency key was used for another request."""


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: dict[str, Any]
    repeated: bool


def request_fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _error_code(error: Exception) -> str:
    if isinstance(error, gradebook.GradeConflict):
        return "conflict"
    if isinstance(error, gradebook.ReasonRequired):
        return "reason_required"
    if isinstance(error, PermissionDenied):
        return "forbidden"
    return "invalid"


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "Недостаточно прав для этого действия."


def _upsert(*, by: User, rows: list[CellInput]) -> list[dict[str, Any]]:
    assessment_ids = {row.assessment for row in rows}
    assessments = {
        a.pk: a
        for a in Assessment.objects.visible_to(by)
        .filter(pk__in=assessment_ids)
        .select_related("scale", "group", "module")
        .with_scale_values()
        .with_cell_rules(by)
    }
    enrollments = {
        e.pk: e
        for e in Enrollment.objects.visible_to(by)
        .filter(pk__in={row.enrollment for row in rows})
        .select_related("learner")
    }
    cells: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for index, row in enumerate(rows):
        assessment = assessments.get(row.assessment)
        enrollment = enrollments.get(row.enrollment)
        if assessment is None:
            errors.append(RowError(index, "not_found", f"Мероприятие № {row.assessment} не найдено."))
            continue
        if enrollment is None or enrollment.group_id != assessment.group_id:
            errors.append(
                RowError(
                    index, "not_found", f"Зачисление № {row.enrollment} не найдено в группе мероприятия."
                )
            )
            continue
        try:
            grade = gradebook.record_grade(
                by=by,
                assessment=assessment,
                enrollment=enrollment,
                text=row.value,
                expected_version=row.expected_version,
                reason=row.reason,
            )
        except (ValidationError, PermissionDenied) as error:
            errors.append(RowError(index, _error_code(error), _message(error)))
            continue
        cells.append(
            {
                "row": index,
                "assessment": assessment.pk,
                "enrollment": enrollment.pk,
                "value": grade.value if grade else "",
                "version": grade.version if grade else 0,
            }
        )
    if errors:
        raise RowErrors(errors)
    return cells


def upsert_grades(
    *, by: User, token: ApiToken, rows: list[CellInput], key: str = "", fingerprint: str = ""
) -> Replay:
    """Save a batch of cells all or nothing: every row is checked as the grid checks one cell
    (scope, lock, deadline reason, version), and one refused row refuses the batch, naming every
    refused row. With a client key the batch is written once: the same key with the same request
    returns the stored answer, with another request it is refused (KeyReused)."""
    if len(rows) > MAX_BULK_ROWS:
        raise ValidationError(f"В одном запросе не больше {MAX_BULK_ROWS} оценок, передано {len(rows)}.")
    with _through(token), transaction.atomic():
        if key and (replay := _claim_key(token, key, fingerprint)):
            return replay
        body = {"saved": 0, "cells": _upsert(by=by, rows=rows)}
        body["saved"] = len(body["cells"])
        if key:
            _store_answer(token, key, 200, body)
    return Replay(200, body, repeated=False)


def _claim_key(token: ApiToken, key: str, fingerprint: str) -> Replay | None:
    """Take a client key for this request (inside the caller's transaction); if it was taken
    already, the stored answer to the same request, or KeyReused for another request."""
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(token=token, key=key, request_hash=fingerprint)
    except IntegrityError:
        first = IdempotencyKey.objects.get(token=token, key=key)
        if first.request_hash != fingerprint:
            raise KeyReused from None
        return Replay(first.status_code, first.response, repeated=True)
    return None


def _store_answer(token: ApiToken, key: str, status_code: int, body: dict[str, Any]) -> None:
    IdempotencyKey.objects.filter(token=token, key=key).update(status_code=status_code, response=body)
    IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEY_LIFETIME).delete()


def create_assessment(
    *,
    by: User,
    token: ApiToken,
    fields: dict[str, Any],
    render: Callable[[Assessment], dict[str, Any]],
    key: str = "",
    fingerprint: str = "",
) -> Replay:
    """Add a gradebook column by the gradebook's own service; `render` gives the answer's body.
    With a client key the column is added once, as a bulk grade upload is written once."""
    return create_once(
        token=token,
        key=key,
        fingerprint=fingerprint,
        render=render,
        create=lambda: gradebook.create_assessment(by=by, **fields),
    )


def create_once(
    *,
    token: ApiToken,
    create: Callable[[], Any],
    render: Callable[[Any], dict[str, Any]],
    key: str = "",
    fingerprint: str = "",
) -> Replay:
    """Create a row by a domain service in one transaction, audited under the token's name;
    `render` gives the answer's body. With a client key the row is created once: the same key
    with the same request returns the stored answer, with another request KeyReused."""
    with _through(token), transaction.atomic():
        if key and (replay := _claim_key(token, key, fingerprint)):
            return replay
        body = render(create())
        if key:
            _store_answer(token, key, 201, body)
    return Replay(201, body, repeated=False)


def change(*, token: ApiToken, update: Callable[[], Any]) -> Any:
    """Change a row by a domain service (its version rule included) in one transaction, audited
    under the token's name."""
    with _through(token), transaction.atomic():
        return update()


def update_assessment(
    *, by: User, token: ApiToken, assessment: Assessment, expected_version: int, changes: dict[str, Any]
) -> Assessment:
    """Change a gradebook column by the gradebook's own service (its version rule included)."""
    with _through(token):
        return gradebook.update_assessment(
            by=by, assessment=assessment, expected_version=expected_version, **changes
        )
