import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from zachetka.api import services


class ApiClient:
    """Django's test client speaking JSON with a token, as an integration does."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, data: dict | None = None, **headers: str) -> Any:
        return self.client.get(path, data, headers=self.headers | headers)

    def put(self, path: str, data: dict, **headers: str) -> Any:
        return self.client.put(path, data, content_type="application/json", headers=self.headers | headers)

    def patch(self, path: str, data: dict, **headers: str) -> Any:
        return self.client.patch(path, data, content_type="application/json", headers=self.headers | headers)

    def post(self, path: str, data: dict, **headers: str) -> Any:
        return self.client.post(path, data, content_type="application/json", headers=self.headers | headers)


def post_at_once(token: str, path: str, body: dict, headers: dict, times: int) -> list:
    """POST one body `times` times at the same instant, each from its own thread and database
    connection, as retrying integrations do; every response, in the order they came back."""
    barrier = threading.Barrier(times)
    responses: list = []

    def send() -> None:
        try:
            api = ApiClient(token)
            barrier.wait()
            responses.append(api.post(path, body, **headers))
        finally:
            connection.close()  # each thread's own connection

    threads = [threading.Thread(target=send) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(responses) == times
    return responses


@pytest.fixture
def api_as(db) -> Callable[[User | None], ApiClient]:
    """A client holding a fresh token acting as `user` (None: no token at all)."""

    def make(user: User | None, name: str | None = None) -> ApiClient:
        if user is None:
            return ApiClient(None)
        _, text = services.create_token(name=name or f"LMS {user.username}", user=user)
        return ApiClient(text)

    return make


@pytest.fixture
def make_document(db) -> Callable[..., Any]:
    """An issued certificate written straight to the registry (issuing is the documents app's
    business; the API only reads it)."""
    from zachetka.documents.models import Document

    def make(enrollment: Any, seq: int, **fields: Any) -> Document:
        learner, group = enrollment.learner, enrollment.group
        values = {
            "registration_number": f"2026-{seq:05d}",
            "registration_year": 2026,
            "registration_seq": seq,
            "kind": Document.Kind.QUALIFICATION_CERTIFICATE,
            "enrollment": enrollment,
            "number": f"{seq:06d}",
            "issued_on": group.ends_on,
            "last_name": learner.last_name,
            "first_name": learner.first_name,
            "middle_name": learner.middle_name,
            "sex": learner.sex,
            "program_title": group.program.title,
            "program_kind": group.program.kind,
            "hours": group.program.hours,
            "studied_from": group.starts_on,
            "studied_to": group.ends_on,
            "created_by": group.curator,
        }
        return Document.objects.create(**(values | fields))

    return make
