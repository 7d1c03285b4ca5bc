"""A teacher draws up a module's statement from the group's attestation page, types the
results down the list with the keyboard, saves and signs it."""

import pytest

from zachetka.attestation.models import AcademicDebt, Protocol
from zachetka.gradebook import services as gradebook_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_draws_up_types_and_signs_a_statement(browser, live_server, log_in, teacher, course):
    group = course["group"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, "teacher")
    page.goto(f"{live_server.url}/groups/{group.pk}/protocols/")
    page.get_by_role("row", name=course["exam"].title).get_by_role("link", name="составить ведомость").click()
    page.fill("#id_held_on", "20.11.2026")
    page.get_by_role("button", name="Составить").click()
    page.wait_for_selector("#results")
    protocol = Protocol.objects.get()
    assert protocol.number in page.locator("h1").inner_text()
    # Rows by surname: Алексеев, Петров, Смирнова. The first empty field has the focus.
    page.keyboard.type("отл")
    page.keyboard.press("Enter")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.keyboard.type("4")
    page.keyboard.press("Enter")  # the last field: saves
    page.wait_for_selector("text=Результаты сохранены.")
    values = [page.locator("input[name^='value-']").nth(i).input_value() for i in range(3)]
    assert values == ["5", "2", "4"]
    page.get_by_role("button", name="Подписать").click()
    page.wait_for_selector("text=подписан и вступил в силу")
    assert page.locator("input[name^='value-']").count() == 0
    protocol.refresh_from_db()
    assert protocol.status == Protocol.Status.SIGNED
    assert AcademicDebt.objects.get().enrollment == course["classmate"]
    assert gradebook_services.is_locked(group.pk, course["exam"].pk)
    page.close()
