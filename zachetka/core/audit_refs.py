"""Names for the ids an audit event records of other rows: a grade's assessment and learner, a
locked module, a commission's members. An inspector reads «слушатель: Иванов Иван Иванович
(№ 45)», not «слушатель (id): 45».

The ids of a whole page (or export chunk) of events are collected first and named with one
query per kind of row, however many events there are. Only kinds of rows whose name needs no
further query are named (see NAMERS); any other id stays a number under its «(id)» label.
The event itself is not changed: it is hashed into the chain as it was recorded.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model

from zachetka.core import names

# (model label, pk) → the row's name as people read it.
Refs = Mapping[tuple[str, int], str]

LEARNER = "people.learner"

# Keys that services record with an id of a row that is not a field of the event's subject
# (a grade's learner, a group's locked module, a protocol's present members).
REFERENCES = {
    "learner": LEARNER,
    "module": "programs.module",
    "assessment": "gradebook.assessment",
    "teacher": "auth.user",
    "chair": "auth.user",
    "secretary": "auth.user",
    "members": "auth.user",
    "present": "auth.user",
}

# Subjects whose data is keyed by ids (a protocol's results by learner).
NUMERIC_KEYS = {"attestation.protocol": LEARNER}

# The rows that are named, and how: a name built from the row's own columns.
NAMERS: dict[str, Callable[[Any], str]] = {
    "auth.user": names.user_full_name,
    LEARNER: str,  # «Фамилия Имя Отчество»; a depersonalised learner reads «Обезличено № N»
    "programs.module": str,
    "programs.group": str,
    "programs.program": str,
    "gradebook.assessment": str,
    "gradebook.gradingscale": str,
}


def subject_field(subject_type: str, name: str) -> Any:  # noqa: ANN401 - any model field
    try:
        return apps.get_model(subject_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def relation_target(subject_type: str, key: str) -> str | None:
    """The model (label) whose ids an event records under `key`: the subject's own relation of
    that name; a plain field of the subject is no id; else the services' REFERENCES."""
    field = subject_field(subject_type, key)
    if field is not None and not field.auto_created:
        related = field.related_model if field.is_relation else None
        return related._meta.label_lower if related is not None else None
    return REFERENCES.get(key)


def is_id(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and value.isdigit() and len(value) < 19)


def named(refs: Refs, target: str, value: object) -> str | None:
    """«Name (№ id)» of a recorded id, when its kind of row is named; None otherwise."""
    if target not in NAMERS or not is_id(value):
        return None
    pk = int(value)
    name = refs.get((target, pk))
    return f"{name} (№ {pk})" if name else f"№ {pk} (запись удалена)"


def _walk(subject_type: str, key: str, value: object, found: dict[str, set[int]]) -> None:
    if isinstance(value, dict):
        for inner_key, item in value.items():
            _walk(subject_type, str(inner_key), item, found)
        return
    if isinstance(value, list | tuple):
        for item in value:
            _walk(subject_type, key, item, found)
        return
    target = relation_target(subject_type, key)
    if target in NAMERS and is_id(value):
        found[target].add(int(value))


def referenced(events: Iterable[Any]) -> dict[str, set[int]]:
    """The ids of named kinds of rows that opened events record, by model label."""
    found: dict[str, set[int]] = defaultdict(set)
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        for part in ("before", "after"):
            values = data.get(part)
            if not isinstance(values, dict):
                continue
            for key, value in values.items():
                numeric = NUMERIC_KEYS.get(event.subject_type)
                if numeric and str(key).isdigit():
                    found[numeric].add(int(key))
                _walk(event.subject_type, str(key), value, found)
        for key, value in data.items():
            if key not in ("before", "after") or not isinstance(value, dict):
                _walk("", str(key), value, found)
    return found


def resolve(ids: Mapping[str, set[int]]) -> dict[tuple[str, int], str]:
    """One query per kind of row."""
    refs: dict[tuple[str, int], str] = {}
    for label, pks in ids.items():
        if not pks:
            continue
        model: type[Model] = apps.get_model(label)
        name = NAMERS[label]
        for pk, row in model._default_manager.in_bulk(pks).items():
            refs[(label, pk)] = name(row)
    return refs
