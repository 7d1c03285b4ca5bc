"""Forms submitted once: a double submit returns the first submission's result.

The key is claimed in the transaction that makes the record, so a submission that fails gives
its key back, and concurrent submissions of one key wait on the database's unique index for the
first to finish.
"""

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from zachetka.core.models import SubmissionKey

FIELD = "submission_key"
# A key protects against a repeated submission for this long; older keys are swept away.
KEY_LIFETIME = dt.timedelta(days=30)
REPEATED = "Форма уже была отправлена: показан результат первой отправки."


class SubmissionKeyField(forms.UUIDField):
    """A hidden field carrying a new key each time the form is shown."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: object) -> None:
        super().__init__(required=False, initial=uuid.uuid4, **kwargs)


@dataclass(frozen=True)
class Outcome:
    url: str
    message: str
    repeated: bool


def _key(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def replayed(request: HttpRequest, purpose: str) -> HttpResponse | None:
    """The first submission's result for a form sent again after that submission finished, or
    None. Asked before the form is validated: the first submission changed what the form checks
    against (a document owed is now issued, a blank in stock now used), so the repeat would be
    refused as invalid instead of shown what it already did."""
    key = _key(request)
    if request.method != "POST" or key is None:
        return None
    first = (
        SubmissionKey.objects.filter(key=key, user_id=request.user.pk, purpose=purpose)
        .exclude(result_url="")
        .first()
    )
    if first is None:
        return None
    return redirect_to_result(request, Outcome(first.result_url, first.result_message, repeated=True))


def once(request: HttpRequest, purpose: str, work: Callable[[], tuple[str, str]]) -> Outcome:
    """Run `work` (returning the URL of what it made and a message for the user) unless this
    form's key was already used; then return what the first submission returned. A form without
    a key (an old page) is simply run: the database's own constraints still hold."""
    key = _key(request)
    with transaction.atomic():
        if key is not None:
            try:
                with transaction.atomic():
                    SubmissionKey.objects.create(key=key, user_id=request.user.pk, purpose=purpose)
            except IntegrityError:
                first = SubmissionKey.objects.get(key=key)
                if first.user_id != request.user.pk or first.purpose != purpose:
                    raise ValidationError("Эта форма устарела: откройте страницу заново.") from None
                return Outcome(first.result_url, first.result_message, repeated=True)
        url, message = work()
        if key is not None:
            SubmissionKey.objects.filter(key=key).update(result_url=url[:255], result_message=message[:255])
            SubmissionKey.objects.filter(created_at__lt=timezone.now() - KEY_LIFETIME).delete()
    return Outcome(url, message, repeated=False)


def redirect_to_result(request: HttpRequest, outcome: Outcome) -> HttpResponse:
    """Show what a form created; a repeated submission is told it sees the first one's result."""
    messages.success(request, outcome.message)
    if outcome.repeated:
        messages.info(request, REPEATED)
    return redirect(outcome.url)
