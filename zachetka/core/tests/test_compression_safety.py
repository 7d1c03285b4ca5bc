"""What makes gzip of pages safe against BREACH here (README, «Compression and BREACH»): no
constant secret in page bodies, and cookies a foreign site's requests do not carry."""

import re

from django.conf import settings
from django.test import Client
from django.urls import reverse

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_the_forms_csrf_token_is_masked_anew_for_every_response(make_user):
    make_user("breach-check")
    client = Client(enforce_csrf_checks=True)
    first = client.get(reverse("login"))
    second = client.get(reverse("login"))
    (token_one,) = _TOKEN.findall(first.content.decode())
    (token_two,) = _TOKEN.findall(second.content.decode())
    assert token_one != token_two  # nothing constant for a compression oracle to recover
    secret = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert secret not in first.content.decode() and secret not in second.content.decode()
    # Either masked token is still good for the form.
    response = client.post(
        reverse("login"),
        {"username": "breach-check", "password": "pass-for-tests-1", "csrfmiddlewaretoken": token_one},
    )
    assert response.status_code == 302


def test_session_and_csrf_cookies_stay_off_foreign_sites_requests(make_user):
    make_user("breach-check")
    client = Client()
    page = client.get(reverse("login"))
    assert page.cookies[settings.CSRF_COOKIE_NAME]["samesite"] == "Lax"
    response = client.post(reverse("login"), {"username": "breach-check", "password": "pass-for-tests-1"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["samesite"] == "Lax" and cookie["httponly"]
