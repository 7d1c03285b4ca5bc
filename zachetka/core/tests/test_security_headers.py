"""Pages carry a Content-Security-Policy and a Permissions-Policy; nothing with personal data
(pages, PDFs, spreadsheets) may be kept by a browser or proxy cache."""

import pytest
from django.urls import reverse

from zachetka.core.middleware import CONTENT_SECURITY_POLICY

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _not_stored(response) -> bool:
    return "no-store" in response["Cache-Control"] and response["Pragma"] == "no-cache"


def test_the_policy_is_the_one_documented():
    assert CONTENT_SECURITY_POLICY == CSP


@pytest.mark.parametrize("url", ["/login/", "/verify/", "/accounts/password-reset/"])
def test_public_pages(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CSP
    assert (
        "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    )
    assert _not_stored(response)


def test_pages_of_a_logged_in_user(client, director, world):
    director.is_staff = director.is_superuser = True  # a superuser also opens the admin site
    director.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(director)
    for url in (reverse("web:home"), reverse("web:learner_detail", args=[world["own"].pk]), "/admin/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == CSP, url
        assert _not_stored(response), url


def test_downloads_with_personal_data_are_not_stored(client, registrar, course, pdf_text, job_file):
    client.force_login(registrar)
    group = course["group"]
    spreadsheet = job_file(client, reverse("gradebook:group_export_job", args=[group.pk]))
    card = client.get(reverse("cards:card_pdf", args=[course["own"].pk]))
    for response in (spreadsheet, card):
        assert response.status_code == 200
        assert _not_stored(response), response["Content-Type"]
    assert card["Content-Type"] == "application/pdf"
