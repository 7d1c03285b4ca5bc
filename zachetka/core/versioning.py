"""Optimistic versioning: a save based on a stale copy is refused instead of overwriting."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone


class ConcurrentEditError(ValidationError):
    def __init__(self, instance: models.Model) -> None:
        super().__init__(
            "Запись уже изменил другой пользователь, пока вы её редактировали. "
            "Откройте её заново: вы увидите текущие значения и сможете повторить правку.",
            code="concurrent_edit",
        )
        self.instance = instance


def save_versioned(instance: models.Model, *, expected_version: int, fields: Iterable[str]) -> None:
    """Write `fields` only if the row still has `expected_version`; bump the version."""
    values = {name: getattr(instance, name) for name in fields}
    if any(field.name == "updated_at" for field in instance._meta.concrete_fields):
        values["updated_at"] = instance.updated_at = timezone.now()
    updated = (
        type(instance)
        ._default_manager.filter(pk=instance.pk, version=expected_version)
        .update(version=F("version") + 1, **values)
    )
    if updated != 1:
        raise ConcurrentEditError(instance)
    instance.version = expected_version + 1
