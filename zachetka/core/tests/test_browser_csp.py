"""Pages work under the Content-Security-Policy: their scripts run, and the browser reports no
violation (an inline script, a style attribute, a foreign source) and no policy error."""

import pytest
from playwright.sync_api import expect

from zachetka.core.middleware import CONTENT_SECURITY_POLICY
from zachetka.programs.models import TeachingAssignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Installed before any page script: collects what the policy blocked. Policy header errors (an
# unknown Permissions-Policy feature) reach the console only, as warnings.
WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def watched_page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(WATCH_VIOLATIONS)
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type in ("error", "warning")
            and ("Policy" in message.text or "Refused" in message.text)
            else None
        ),
    )

    def on_this_page() -> list[str]:
        return page.evaluate("window.cspViolations || []") if page.url.startswith("http") else []

    def visit(url: str) -> None:
        problems.extend(on_this_page())  # the list starts afresh with each page
        response = page.goto(url)
        assert response.status == 200, url
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, url

    def reported() -> list[str]:
        return problems + on_this_page()

    yield page, visit, reported
    page.close()


def test_staff_pages_and_their_scripts_run_under_the_policy(
    watched_page, live_server, log_in, teacher, world
):
    page, visit, reported = watched_page
    log_in(page, "teacher")
    group = world["mine"]
    module = TeachingAssignment.objects.get(group=group, teacher=teacher).module
    visit(f"{live_server.url}/groups/{group.pk}/modules/{module.pk}/gradebook/")
    page.locator("#grid .vg-editor").focus()  # the grid's one editor, put in place by gradebook.js
    expect(page.locator("#cell-info")).to_contain_text("Допустимо")  # gradebook.js ran
    visit(f"{live_server.url}/learners/{world['own'].pk}/")
    assert reported() == []


def test_the_admin_site_runs_under_the_policy(watched_page, live_server, log_in, director):
    director.is_staff = director.is_superuser = True  # Django admin is a superuser's
    director.save(update_fields=["is_staff", "is_superuser"])
    page, visit, reported = watched_page
    log_in(page, "director")
    visit(f"{live_server.url}/admin/")
    visit(f"{live_server.url}/admin/axes/accessfailurelog/")
    visit(f"{live_server.url}/audit/")
    visit(f"{live_server.url}/verify/")
    assert reported() == []
