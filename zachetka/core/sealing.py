"""A learner's personal data in the audit trail, sealed so that it can be forgotten.

An event about a learner — the learner, their enrolment, documents, achievements, card, grades,
their own log-ins — keeps what could identify them (the recorded values, the subject's name, the
reason and, for their own actions, their login) encrypted with AES-256-GCM under a key of that
learner (`SubjectKey`). The hash chain covers the sealed text, not the plain one. When the
learner's data is destroyed by an act, `forget()` deletes the key: the trail still verifies, and
what it held about the person can no longer be read (crypto-shredding). Events about no learner
(a program, a protocol as a whole, a blank) stay in the clear.

core imports no other app: the models that lead to a learner are reached by label.
"""

import base64
import json
import os
from collections.abc import Iterable, Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.db import models

from zachetka.core import access
from zachetka.core.models import AuditEvent, SubjectKey

SEALED = "sealed"
DESTROYED = "[сведения о слушателе уничтожены]"


def _aad(seq: int) -> bytes:
    # Binds a sealed payload to its place in the chain: it cannot be moved to another event.
    return f"zachetka-audit:{seq}".encode()


def _known_learner(subject: models.Model) -> int | None:
    """The learner of a subject whose enrolment the caller already holds (no query)."""
    enrollment = subject._state.fields_cache.get("enrollment")
    return getattr(enrollment, "learner_id", None)


def actor_learner(actor: Any) -> int | None:
    """The learner record of an acting user: only a user with the learner role has one that
    acts (a cabinet account), so nobody else costs a query."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not access.is_learner(actor):
        return None
    learner_model = apps.get_model("people", "Learner")
    return learner_model.objects.filter(user_id=actor.pk).values_list("pk", flat=True).first()


def data_subjects(
    subjects: Sequence[models.Model | None], actor: Any, *, actor_learner_id: int | None | bool = False
) -> list[int | None]:
    """For each event's subject, the learner whose personal data the event may hold (or None).

    A learner is found through the subject itself, its `learner_id`, its enrolment, or the user
    account it is; an event about no one in particular made by a learner concerns that learner.
    Lookups are batched: one query per kind of link, whatever the number of events, and none
    for a link the subject already holds. `actor_learner_id` passes `actor_learner(actor)`
    when the caller knows it (False: look it up)."""
    learner_model = apps.get_model("people", "Learner")
    enrollment_model = apps.get_model("programs", "Enrollment")
    enrollment_ids = {
        s.enrollment_id
        for s in subjects
        if s is not None and hasattr(s, "enrollment_id") and _known_learner(s) is None
    }
    user_ids = {s.pk for s in subjects if s is not None and s._meta.label_lower == "auth.user"}
    if actor_learner_id is False:
        actor_learner_id = actor_learner(actor)
    by_enrollment = (
        dict(enrollment_model.objects.filter(pk__in=enrollment_ids).values_list("pk", "learner_id"))
        if enrollment_ids
        else {}
    )
    by_user = (
        dict(learner_model.objects.filter(user_id__in=user_ids).values_list("user_id", "pk"))
        if user_ids
        else {}
    )
    found: list[int | None] = []
    for subject in subjects:
        learner_id = None
        if subject is None:
            learner_id = None
        elif subject._meta.label_lower == "people.learner":
            learner_id = subject.pk
        elif hasattr(subject, "learner_id"):
            learner_id = subject.learner_id
        elif hasattr(subject, "enrollment_id"):
            learner_id = _known_learner(subject) or by_enrollment.get(subject.enrollment_id)
        elif subject._meta.label_lower == "auth.user":
            learner_id = by_user.get(subject.pk)
        found.append(learner_id if learner_id is not None else actor_learner_id)
    return found


def keys_for(learner_ids: Iterable[int]) -> dict[int, bytes]:
    """The learners' keys, made for those who have none yet (concurrent makers agree)."""
    wanted = set(learner_ids)
    if not wanted:
        return {}
    found = dict(SubjectKey.objects.filter(learner_id__in=wanted).values_list("learner_id", "key"))
    missing = wanted - set(found)
    found = {learner_id: bytes(key) for learner_id, key in found.items()}
    return found | new_keys(missing) if missing else found


def new_keys(learner_ids: Iterable[int]) -> dict[int, bytes]:
    """Make keys for learners known to have none (concurrent makers agree: the first one stays)."""
    missing = set(learner_ids)
    SubjectKey.objects.bulk_create(
        [SubjectKey(learner_id=learner_id, key=os.urandom(32)) for learner_id in missing],
        ignore_conflicts=True,
    )
    made = SubjectKey.objects.filter(learner_id__in=missing).values_list("learner_id", "key")
    return {learner_id: bytes(key) for learner_id, key in made}


def seal(event: AuditEvent, key: bytes, *, actor_is_subject: bool) -> None:
    """Replace what identifies the learner in an event (numbered already) by its sealed text."""
    payload = {"data": event.data, "subject_repr": event.subject_repr, "reason": event.reason}
    if actor_is_subject:
        payload["actor_repr"] = event.actor_repr
        event.actor_repr = ""
    plain = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(key).encrypt(nonce, plain, _aad(event.seq))
    event.data = {SEALED: base64.b64encode(sealed).decode("ascii")}
    event.subject_repr = ""
    event.reason = ""


def is_sealed(event: AuditEvent) -> bool:
    return isinstance(event.data, dict) and set(event.data) == {SEALED}


def opened(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """The events as they are to be read: sealed parts opened with their learners' keys (one
    query), or marked destroyed where the key is gone. The objects are changed in memory only."""
    events = list(events)
    sealed = [event for event in events if is_sealed(event) and event.learner_id is not None]
    keys = dict(
        SubjectKey.objects.filter(learner_id__in={e.learner_id for e in sealed}).values_list(
            "learner_id", "key"
        )
    )
    for event in sealed:
        key = keys.get(event.learner_id)
        payload = _open(event, bytes(key)) if key is not None else None
        if payload is None:
            event.data, event.subject_repr, event.reason = {}, DESTROYED, ""
            continue
        event.data, event.subject_repr = payload["data"], payload["subject_repr"]
        event.reason = payload["reason"]
        if "actor_repr" in payload:
            event.actor_repr = payload["actor_repr"]
    return events


def _open(event: AuditEvent, key: bytes) -> dict | None:
    sealed = base64.b64decode(event.data[SEALED])
    try:
        plain = AESGCM(key).decrypt(sealed[:12], sealed[12:], _aad(event.seq))
    except InvalidTag:
        return None
    return json.loads(plain)


def seal_value(value: Any, learner_id: int, context: str) -> dict:
    """Seal any JSON value of a learner's record (a frozen card, say) under their key, bound to
    `context` (what and where it is), for records that never change but must be forgettable."""
    key = keys_for([learner_id])[learner_id]
    plain = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(key).encrypt(nonce, plain, context.encode())
    return {SEALED: base64.b64encode(sealed).decode("ascii")}


def open_value(stored: Any, learner_id: int, context: str) -> Any | None:
    """A value sealed by seal_value, or None once the learner's key is destroyed; a value stored
    before sealing existed is returned as it is."""
    if not (isinstance(stored, dict) and set(stored) == {SEALED}):
        return stored
    key = SubjectKey.objects.filter(learner_id=learner_id).values_list("key", flat=True).first()
    if key is None:
        return None
    sealed = base64.b64decode(stored[SEALED])
    try:
        return json.loads(AESGCM(bytes(key)).decrypt(sealed[:12], sealed[12:], context.encode()))
    except InvalidTag:
        return None


def forget(learner_id: int) -> bool:
    """Destroy the key that seals a learner's personal data in the trail; True if there was one."""
    deleted, _ = SubjectKey.objects.filter(learner_id=learner_id).delete()
    return bool(deleted)
