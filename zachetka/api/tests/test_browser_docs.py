"""The docs page runs in a real browser under the site's Content-Security-Policy, from local
files only: Swagger UI renders the schema and the browser reports no violation."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_swagger_ui_renders_the_schema_from_local_files(browser, live_server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(WATCH_VIOLATIONS)
    foreign: list[str] = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(live_server.url) else foreign.append(request.url),
    )
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("API Зачётки")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/grades/bulk/")).to_be_visible()
    assert page.evaluate("window.cspViolations") == []
    assert foreign == []
