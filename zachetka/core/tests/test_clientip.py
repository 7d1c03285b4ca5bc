"""The client's address: REMOTE_ADDR, or what a trusted proxy reports in X-Forwarded-For."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from zachetka.core import audit
from zachetka.core.clientip import client_ip
from zachetka.core.models import AuditEvent

VISITOR = "203.0.113.7"


def _ip(remote: str, forwarded: str | None = None) -> str:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert _ip("198.51.100.1", VISITOR) == "198.51.100.1"


def test_a_request_not_from_a_trusted_proxy_cannot_name_its_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert _ip("198.51.100.1", VISITOR) == "198.51.100.1"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        (VISITOR, VISITOR),
        # Whatever the visitor wrote is left of what the proxy appended: the right-most counts.
        (f"1.2.3.4, {VISITOR}", VISITOR),
        # Two proxies in a row (a balancer in front of nginx), both trusted.
        (f"1.2.3.4, {VISITOR}, 10.0.0.9", VISITOR),
        # A request from inside: every hop is trusted, the left-most is the client.
        ("10.0.0.50", "10.0.0.50"),
        (f"{VISITOR}:51234", VISITOR),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("::ffff:203.0.113.7", VISITOR),
        # Nothing a trusted proxy would write: the proxy itself is the best answer.
        ("unknown", "10.0.0.2"),
        ("", "10.0.0.2"),
    ],
)
def test_behind_a_trusted_proxy_its_report_counts(settings, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert _ip("10.0.0.2", forwarded) == expected


def test_audit_events_record_the_visitor_not_the_proxy(client, registrar, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    client.post(
        reverse("login"),
        {"username": "registrar", "password": "pass-for-tests-1"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=VISITOR,
    )
    assert AuditEvent.objects.get(action=audit.Action.LOGIN).ip_address == VISITOR
