"""In a real browser, a statement of 1,200 learners saves: the page's script packs the results
into one field instead of 1,200."""

import pytest

from zachetka.attestation.models import ProtocolResult

from .test_large_protocol import LEARNERS, _large_statement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_results_of_1200_learners_save_from_the_browser(browser, live_server, log_in, teacher, course):
    protocol = _large_statement(course, teacher)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, "teacher")
    page.goto(f"{live_server.url}/protocols/{protocol.pk}/")
    fields = page.locator("input[name^='value-']")
    assert fields.count() == LEARNERS + 3
    fields.first.fill("зачтено")
    fields.last.fill("не зачтено")
    page.get_by_role("button", name="Сохранить результаты").click()
    page.wait_for_selector("text=Результаты сохранены.")
    saved = dict(
        ProtocolResult.objects.filter(protocol=protocol)
        .exclude(value="")
        .values_list("value", "enrollment_id")
    )
    assert set(saved) == {"зачтено", "не зачтено"}
    assert page.locator("input[name^='value-']").first.input_value() == "зачтено"
    page.close()
