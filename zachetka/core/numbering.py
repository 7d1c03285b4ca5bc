"""Gap-free sequences (protocol numbers, registration numbers of issued documents)."""

from django.db import IntegrityError, models, transaction


def take_next(counter_model: type[models.Model], **key: object) -> int:
    """The next value of the counter row identified by `key`, locked until the caller's
    transaction ends: concurrent callers wait, so values are unique and leave no gaps (a rolled
    back transaction gives its value back).

    `counter_model` has the `key` fields (unique together) and an integer `last`."""
    counter = counter_model.objects.select_for_update().filter(**key).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter_model.objects.create(**key)
        except IntegrityError:
            pass  # another transaction created the row first; lock that one
        counter = counter_model.objects.select_for_update().get(**key)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
