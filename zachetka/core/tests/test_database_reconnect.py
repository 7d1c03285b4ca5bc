"""A persistent database connection that the server dropped (a restart, a failover) is noticed
and reopened before the next request uses it, instead of answering that request with a 500."""

import io

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def _serve(path: str, cookie: str) -> str:
    """One request through Django's real WSGI handler, which (unlike the test client) closes or
    checks database connections at each request's start and end, as under gunicorn."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_COOKIE": cookie,
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    statuses: list[str] = []
    body = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        b"".join(body)
    finally:
        body.close()
    return statuses[0]


def test_the_next_request_after_a_dropped_connection_succeeds(client, director):
    if connection.vendor != "postgresql":
        pytest.skip("Нужен PostgreSQL: у SQLite нет сервера, который мог бы разорвать соединение.")
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    client.force_login(director)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    # Keep connections between requests, as production does (the test settings close them).
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 60
    try:
        assert _serve(reverse("web:home"), cookie) == "200 OK"
        dropped = connection.connection.info.backend_pid
        killer = connections.create_connection("default")
        try:
            with killer.cursor() as cursor:
                # The second argument waits (up to 5 s) until the backend has really gone.
                cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [dropped])
                assert cursor.fetchone()[0] is True
        finally:
            killer.close()
        assert _serve(reverse("web:home"), cookie) == "200 OK"
        assert connection.connection.info.backend_pid != dropped
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = 0
        connection.close()
