"""The registry ticks «выбрать всех» on a group's page, chooses an action, confirms it, and every
learner of the group has it; unticking one learner unticks «выбрать всех»."""

import pytest
from playwright.sync_api import expect

from zachetka.programs.models import Enrollment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_select_all_then_a_batch_action(browser, live_server, log_in, world):
    group = world["mine"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, "registrar")
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    everyone = page.locator("input[data-select-all]")
    boxes = page.locator("#enrollment-batch input[name=enrollment]")
    expect(boxes).to_have_count(2)
    everyone.check()
    for index in range(2):
        expect(boxes.nth(index)).to_be_checked()
    boxes.nth(0).uncheck()
    expect(everyone).not_to_be_checked()
    boxes.nth(0).check()
    expect(everyone).to_be_checked()
    page.select_option("#enrollment-batch select[name=action]", "leave")
    page.click("#enrollment-batch button[type=submit]")
    expect(page.locator("h1")).to_have_text(f"Академический отпуск: группа {group.code}")
    expect(page.locator("table.list tbody tr")).to_have_count(2)
    page.fill("#id_reason", "Заявления слушателей")
    page.click("button.primary")
    expect(page.locator(".message.success")).to_have_text("Академический отпуск: изменено 2 зачисления.")
    assert set(Enrollment.objects.filter(group=group).values_list("status", flat=True)) == {"leave"}
