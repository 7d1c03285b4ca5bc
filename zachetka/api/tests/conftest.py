from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
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

    def post(self, path: str, data: dict, **headers: str) -> Any:
        return self.client.post(path, data, content_type="application/json", headers=self.headers | headers)


@pytest.fixture
def api_as(db) -> Callable[[User | None], ApiClient]:
    """A client holding a fresh token acting as `user` (None: no token at all)."""

    def make(user: User | None, name: str | None = None) -> ApiClient:
        if user is None:
            return ApiClient(None)
        _, text = services.create_token(name=name or f"LMS {user.username}", user=user)
        return ApiClient(text)

    return make
