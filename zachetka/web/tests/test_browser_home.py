"""The home page's charts in a real browser: drawn under the CSP, each bar a link to its list."""

import pytest
from playwright.sync_api import expect

from zachetka.gradebook import services as gradebook_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_director_home_draws_its_charts_and_a_bar_opens_its_list(
    browser, live_server, log_in, world, director, teacher
):
    gradebook_services.record_grade(
        by=teacher,
        assessment=world["assessments"]["mine"],
        enrollment=world["enrollments"]["own"],
        text="5",
        expected_version=0,
        reason="Внесено после срока",
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(page, "director")
    charts = page.locator("figure.chart")
    expect(charts).to_have_count(4)
    results = charts.nth(0).locator("svg[role=group]")
    expect(results).to_be_visible()
    assert results.bounding_box()["height"] > 40
    expect(charts.nth(0).locator("summary")).to_have_text("Таблица")
    charts.nth(0).locator("summary").click()
    expect(charts.nth(0).locator("table")).to_be_visible()
    charts.nth(0).locator("svg a").first.click()
    page.wait_for_url(f"{live_server.url}/enrollments/?program=*")
    assert violations == []
    page.close()
