"""Writes of the organisation's requisites: one versioned, audited edit by the administration."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zachetka.core import access, audit, names
from zachetka.core.versioning import ConcurrentEditError, save_versioned
from zachetka.organization.models import Requisites

PERMISSION = "organization.change_requisites"
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
