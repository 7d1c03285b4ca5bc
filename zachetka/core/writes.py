"""The two shapes of an audited write that most services share: create, and versioned update."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models, transaction

from zachetka.core import audit
from zachetka.core.versioning import save_versioned

M = TypeVar("M", bound=models.Model)


@transaction.atomic
def create_audited(*, by: Any, instance: M, action: str, exclude: list[str] | None = None) -> M:
    """Validate and save a new row, recording its audited fields."""
    instance.full_clean(exclude=exclude)
    instance.save()
    audit.record(
        by=by, action=action, subject=instance, after=audit.snapshot(instance, instance.AUDITED_FIELDS)
    )
    return instance


@transaction.atomic
def update_audited(
    *,
    by: Any,
    instance: M,
    changes: dict[str, Any],
    expected_version: int,
    action: str,
    reason: str = "",
    prepare: Callable[[M], None] | None = None,
    exclude: list[str] | None = None,
) -> M:
    """Apply `changes` if nobody saved a newer version meanwhile; record old and new values."""
    fields = instance.AUDITED_FIELDS
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    stored = type(instance)._default_manager.get(pk=instance.pk)
    before = audit.snapshot(stored, fields)
    for name, value in changes.items():
        setattr(instance, name, value)
    if prepare:
        prepare(instance)
    instance.full_clean(exclude=exclude)
    extra_fields = ("search_key",) if hasattr(instance, "search_key") else ()
    save_versioned(instance, expected_version=expected_version, fields=(*fields, *extra_fields))
    old, new = audit.changed(before, audit.snapshot(instance, fields))
    if new:
        audit.record(by=by, action=action, subject=instance, before=old, after=new, reason=reason)
    return instance
