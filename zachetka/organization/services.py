"""Writes of the organisation's requisites: one versioned, audited edit by the administration."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zachetka.core import access, audit, names
from zachetka.core.versioning import ConcurrentEditError, save_versioned
from zachetka.organization.models import Deadlines, Requisites

PERMISSION = "organization.change_requisites"
DEADLINES_PERMISSION = "organization.change_deadlines"
_PERSON_FIELDS = ("head_name", "secretary_name")


def _clean(changes: dict[str, Any]) -> dict[str, Any]:
    cleaned = {
        name: " ".join(value.split()) if isinstance(value, str) else value for name, value in changes.items()
    }
    errors: dict[str, str] = {}
    for name in _PERSON_FIELDS:
        value = cleaned.get(name, "")
        if not value:
            continue
        problem = names.name_part_error(value, names.FULL_NAME_MAX_LENGTH)
        if problem is None and len(value.split()) < 2:
            problem = "фамилия и имя (и отчество, если есть) через пробел"
        if problem:
            errors[name] = f"{Requisites._meta.get_field(name).verbose_name}: {problem}."
    if bool(cleaned.get("licence_number")) != bool(cleaned.get("licence_date")):
        errors["licence_date"] = "Укажите и номер, и дату лицензии (или оставьте оба поля пустыми)."
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def update_requisites(*, by: User, expected_version: int, **changes: Any) -> Requisites:
    """Change the requisites if nobody saved a newer version meanwhile; record old and new values."""
    access.require(by, PERMISSION)
    unknown = set(changes) - set(Requisites.AUDITED_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    requisites = Requisites.objects.select_for_update().get(pk=Requisites.SINGLE_ROW_ID)
    if requisites.version != expected_version:
        raise ConcurrentEditError(requisites)
    before = audit.snapshot(requisites, Requisites.AUDITED_FIELDS)
    for name, value in _clean(changes).items():
        setattr(requisites, name, value)
    try:
        requisites.full_clean()
    except ValidationError as error:
        raise ValidationError(
            {
                name: [f"{Requisites._meta.get_field(name).verbose_name}: {message}" for message in messages]
                for name, messages in error.message_dict.items()
            }
        ) from error
    requisites.updated_by = by
    requisites.updated_at = timezone.now()
    save_versioned(
        requisites,
        expected_version=expected_version,
        fields=(*Requisites.AUDITED_FIELDS, "updated_by", "updated_at"),
    )
    old, new = audit.changed(before, audit.snapshot(requisites, Requisites.AUDITED_FIELDS))
    audit.record(by=by, action=audit.Action.REQUISITES_UPDATED, subject=requisites, before=old, after=new)
    return requisites


def _check_deadlines(values: dict[str, int | None]) -> None:
    errors: dict[str, str] = {}
    for name, value in values.items():
        _setting, lowest, highest = Deadlines.FIELDS[name]
        if value is None:
            continue
        if not isinstance(value, int) or not lowest <= value <= highest:
            label = Deadlines._meta.get_field(name).verbose_name
            errors[name] = f"{str(label)[:1].upper()}{str(label)[1:]}: целое число от {lowest} до {highest}."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def update_deadlines(*, by: User, expected_version: int, **values: int | None) -> Deadlines:
    """Set the organisation's deadlines (None: back to the default); record old and new values."""
    access.require(by, DEADLINES_PERMISSION)
    unknown = set(values) - set(Deadlines.FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    _check_deadlines(values)
    deadlines, _ = Deadlines.objects.select_for_update().get_or_create(pk=Deadlines.SINGLE_ROW_ID)
    if deadlines.version != expected_version:
        raise ConcurrentEditError(deadlines)
    before = audit.snapshot(deadlines, Deadlines.FIELDS)
    for name, value in values.items():
        setattr(deadlines, name, value)
    deadlines.updated_by = by
    deadlines.updated_at = timezone.now()
    save_versioned(deadlines, expected_version=expected_version, fields=(*values, "updated_by", "updated_at"))
    old, new = audit.changed(before, audit.snapshot(deadlines, Deadlines.FIELDS))
    if new:
        audit.record(by=by, action=audit.Action.DEADLINES_UPDATED, subject=deadlines, before=old, after=new)
    return deadlines
