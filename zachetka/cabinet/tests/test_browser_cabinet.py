"""A learner on a phone: logs in, finds their cabinet, opens their card as a PDF."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from zachetka.gradebook import services as gradebook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_learner_on_a_phone_opens_the_card_pdf(browser, live_server, world, teacher, learner_user):
    own = world["enrollments"]["own"]
    gradebook.record_grade(
        by=teacher, assessment=world["assessments"]["mine"], enrollment=own, text="5", expected_version=0
    )
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "learner")
    page.fill("#id_password", "pass-for-tests-1")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('cabinet:cabinet')}")
    expect(page.locator("h1")).to_contain_text("Смирнова Анна Сергеевна")
    # Nothing spills sideways on a narrow screen: the page is no wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator(".study .grade").first).to_have_text("5 из 5")
    link = page.get_by_role("link", name="Индивидуальная карта (PDF)")
    href = link.get_attribute("href")
    assert href == reverse("cards:card_pdf", args=[own.pk])
    with page.expect_response(lambda r: r.url.endswith(href)) as opened:
        link.tap()
    response = opened.value  # Chromium shows it in its PDF viewer
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    page.wait_for_url(f"**{href}")
    assert page.request.get(f"{live_server.url}{href}").body().startswith(b"%PDF")
    # Another learner's card is simply not there.
    stranger = world["enrollments"]["stranger"]
    assert page.request.get(f"{live_server.url}{reverse('cards:card_pdf', args=[stranger.pk])}").status == 404
    context.close()
