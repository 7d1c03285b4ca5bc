"""The audit page renders an event of every kind, whatever the shape of its data."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from zachetka.core import audit, names, selectors
from zachetka.core.models import AuditEvent
from zachetka.documents import services as documents
from zachetka.gradebook.models import GradingScale


def _every_action() -> dict[str, str]:
    """Every kind of event: the attributes of audit.Action, including ones added later."""
    return {name: value for name, value in vars(audit.Action).items() if name.isupper()}


def _shapes(course, director) -> dict[str, dict]:
    """The data each service records, for the kinds the real scenario below does not produce."""
    group, learner = course["group"], course["own"].learner
    module, assessment = course["exam"], group.assessments.first()
    five = GradingScale.objects.get(kind="five_point")
    member = {"module": module.pk, "teacher": director.pk, "teacher_name": "Ирина Преподавательская"}
    return {
        audit.Action.LOGIN_FAILED: {"extra": {"username": "registrar"}},
        audit.Action.LEARNER_CREATED: {
            "subject": learner,
            "after": audit.snapshot(learner, learner.AUDITED_FIELDS),
        },
        audit.Action.LEARNER_UPDATED: {
            "subject": learner,
            "before": {"last_name": "Смирнова", "birth_date": "1990-01-02"},
            "after": {"last_name": "Иванова", "birth_date": "1990-02-01"},
            "reason": "Импорт из файла слушатели.xlsx, строка 2",
        },
        audit.Action.LEARNERS_IMPORTED: {
            "extra": {"source": "слушатели.xlsx", "created": 2, "updated": 1, "unchanged": 4}
        },
        audit.Action.PROGRAM_UPDATED: {
            "subject": group.program,
            "before": {"curators": []},
            "after": {"curators": [director.pk, course["chair"].pk]},
        },
        audit.Action.TEACHER_UNASSIGNED: {"subject": group, "before": member},
        audit.Action.ASSESSMENT_DELETED: {
            "subject": assessment,
            "before": audit.snapshot(assessment, assessment.AUDITED_FIELDS),
        },
        audit.Action.GRADE_CORRECTED: {
            "before": {"value": "4"},
            "after": {"value": "5", "assessment": assessment.pk, "learner": learner.pk},
            "reason": "Пересдача",
        },
        audit.Action.GRADES_FILLED: {"subject": assessment, "extra": {"value": "зачтено", "cells": 3}},
        audit.Action.GRADEBOOK_UNLOCKED: {
            "subject": group,
            "before": {"module": module.pk},
            "reason": "Ошибка",
        },
        audit.Action.SCALE_CHANGED: {
            "subject": five,
            "after": {
                "title": five.title,
                "kind": five.kind,
                "is_active": True,
                "values": [
                    {"code": "5", "label": "отлично", "points": "5", "passing": True, "from": 90, "to": 100}
                ],
            },
        },
        audit.Action.DOCUMENT_EXCHANGED: {"before": {"state": "valid"}, "after": {"state": "exchanged"}},
        audit.Action.DOCUMENT_DESTROYED: {"before": {"state": "valid"}, "after": {"state": "destroyed"}},
        audit.Action.FRDO_EXPORTED: {
            "after": {"template": "pk", "version": "2024", "year": 2026, "rows": 2},
            "extra": {"sha256": "ab" * 32},
        },
        audit.Action.ACHIEVEMENT_RECORDED: {
            "after": {
                "title": "Доклад",
                "kind": "publication",
                "achieved_on": "2026-10-01",
                "status": "confirmed",
            }
        },
        audit.Action.ACHIEVEMENT_PROPOSED: {
            "after": {
                "title": "Хакатон",
                "kind": "competition",
                "achieved_on": "2026-10-01",
                "status": "proposed",
            }
        },
        audit.Action.ACHIEVEMENT_CONFIRMED: {"after": {"status": "confirmed"}},
        audit.Action.ACHIEVEMENT_REJECTED: {"after": {"status": "rejected"}, "reason": "Нет подтверждения"},
        audit.Action.CABINET_OPENED: {"subject": learner, "after": {"username": "smirnova@example.ru"}},
    }


@pytest.fixture
def every_kind_recorded(graduated, course, director, registrar, client):
    """A real course to its documents (commission, statements, grades, protocols, cards,
    documents), then one event of each kind still missing, shaped as its service records it."""
    petrov = documents.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=dt.date(2026, 11, 27), first_number="000118"
    )[0]
    documents.issue_duplicate(
        by=registrar,
        original=petrov,
        issued_on=dt.date(2026, 11, 28),
        series="",
        number="000500",
        reason="Утрата",
    )
    client.force_login(director)
    client.post(reverse("logout"))
    shapes = _shapes(course, director)
    for action in _every_action().values():
        if not AuditEvent.objects.filter(action=action).exists():
            # A kind added later and not yet in `_shapes` still gets nested data to render.
            shape = shapes.get(action, {"after": {"list": [1, 2], "mapping": {"a": [1, {"b": "c"}]}}})
            audit.record(by=director, action=action, **shape)


def test_every_kind_of_event_renders(client, director, every_kind_recorded):
    client.force_login(director)
    for name, action in _every_action().items():
        label = audit.ACTION_LABELS.get(action)
        assert label, f"audit.Action.{name} has no label in ACTION_LABELS"
        response = client.get(reverse("core:audit_list"), {"action": action})
        assert response.status_code == 200, name
        assert f"<td>{escape(label)}</td>" in response.content.decode(), name
    assert client.get(reverse("core:audit_list")).status_code == 200


def test_a_commission_shows_its_seats(client, director, course):
    client.force_login(director)
    page = client.get(
        reverse("core:audit_list"), {"action": audit.Action.COMMISSION_CREATED}
    ).content.decode()
    chair, secretary, teacher = (
        course["chair"],
        course["secretary"],
        course["commission"].members.get(role="member").user,
    )
    # PostgreSQL's jsonb keeps its own key order: each seat is looked for on its own. The seats
    # were recorded as account ids; the page names the people.
    for label, person in (("председатель", chair), ("секретарь", secretary), ("члены", teacher)):
        assert f"{label}: {names.user_full_name(person)} (№ {person.pk})" in page


def test_every_field_is_named_in_russian(director, every_kind_recorded):
    """Changed fields are named by their models' verbose names, never by the code's names."""
    lines = selectors.audit_lines(AuditEvent.objects.all())
    # «list» and «mapping» are the made-up data of kinds `_shapes` does not know.
    labels = {row["label"] for line in lines for row in line.rows} - {"list", "mapping"}
    latin = sorted(
        label for label in labels if not re.search("[а-яё]", label, re.IGNORECASE) and label != "SHA-256"
    )
    assert latin == [], latin
