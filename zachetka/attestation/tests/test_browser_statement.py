"""A teacher draws up a module's statement from the group's attestation page, types the
results down the list with the keyboard, saves and signs it; a result typed and not saved is
never signed."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from zachetka.attestation import services
from zachetka.attestation.models import AcademicDebt, Protocol
from zachetka.gradebook import services as gradebook_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _run_late(route) -> None:  # noqa: ANN001 - a Playwright route
    """Serve the script wrapped in a timer: it runs well after the page has loaded, as it may
    on a loaded CI machine."""
    original = route.fetch()
    route.fulfill(response=original, body="setTimeout(function () {" + original.text() + "}, 700);")


@pytest.mark.parametrize("late_script", [False, True], ids=["script-on-time", "script-late"])
def test_teacher_draws_up_types_and_signs_a_statement(
    browser, live_server, log_in, teacher, course, late_script
):
    group = course["group"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    if late_script:
        page.route("**/js/protocol.js", _run_late)
    log_in(page, "teacher")
    page.goto(f"{live_server.url}/groups/{group.pk}/protocols/")
    page.get_by_role("row", name=course["exam"].title).get_by_role("link", name="составить ведомость").click()
    page.fill("#id_held_on", "20.11.2026")
    page.get_by_role("button", name="Составить").click()
    fields = page.locator("input[name^='value-']")
    # Rows by surname: Алексеев, Петров, Смирнова. The page's script puts the cursor in the first
    # empty field and handles Enter; keys typed before it has run would go nowhere.
    expect(fields.first).to_be_focused()
    protocol = Protocol.objects.get()
    expect(page.locator("h1")).to_contain_text(protocol.number)
    page.keyboard.type("отл")
    page.keyboard.press("Enter")
    expect(fields.nth(1)).to_be_focused()
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    expect(fields.nth(2)).to_be_focused()
    page.keyboard.type("4")
    page.keyboard.press("Enter")  # the last field: saves
    expect(page.get_by_text("Результаты сохранены.")).to_be_visible()
    for index, value in enumerate(["5", "2", "4"]):
        expect(fields.nth(index)).to_have_value(value)
    page.get_by_role("button", name="Подписать…").click()
    expect(page.locator("#sign-summary")).to_have_text(
        "3 слушателя, 3 результата (из них неявок — 0, неудовлетворительных — 1)"
    )
    page.get_by_role("button", name="Подписать", exact=True).click()
    expect(page.get_by_text("подписан и вступил в силу")).to_be_visible()
    expect(fields).to_have_count(0)
    protocol.refresh_from_db()
    assert protocol.status == Protocol.Status.SIGNED
    assert AcademicDebt.objects.get().enrollment == course["classmate"]
    assert gradebook_services.is_locked(group.pk, course["exam"].pk)
    page.close()


def _statement_with_one_result_missing(course, teacher):  # noqa: ANN001, ANN202
    """The credit statement: Петров and Смирнова saved, Алексеев (first in the list) empty."""
    protocol = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["credit"], held_on=dt.date(2026, 11, 20)
    )
    for key, text in (("classmate", "не зачтено"), ("own", "зачтено")):
        services.set_result(by=teacher, protocol=protocol, enrollment=course[key], text=text)
    return protocol


def test_signing_with_a_typed_result_not_saved_is_refused_then_signs_once_saved(
    browser, live_server, log_in, teacher, course
):
    protocol = _statement_with_one_result_missing(course, teacher)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, "teacher")
    page.goto(f"{live_server.url}/protocols/{protocol.pk}/")
    first = page.get_by_label("Результат: Алексеев Алексей")
    expect(first).to_be_focused()  # the page's script has run: it focuses the first empty field
    page.keyboard.type("зачтено")
    page.get_by_role("button", name="Подписать…").click()
    refusal = page.locator("#sign-refused")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("результаты на экране изменены и не сохранены")
    expect(first).to_have_value("зачтено")  # still on screen, still not saved
    assert page.url == f"{live_server.url}/protocols/{protocol.pk}/"
    protocol.refresh_from_db()
    assert protocol.status == Protocol.Status.DRAFT and protocol.examiner_signed_at is None
    assert protocol.results.get(enrollment=course["third"]).value == ""
    page.get_by_role("button", name="Сохранить результаты").click()
    expect(page.get_by_text("Результаты сохранены.")).to_be_visible()
    page.get_by_role("button", name="Подписать…").click()
    expect(page.locator("#sign-summary")).to_have_text(
        "3 слушателя, 3 результата (из них неявок — 0, незачётов — 1)"
    )
    page.get_by_role("button", name="Подписать", exact=True).click()
    expect(page.get_by_text("подписан и вступил в силу")).to_be_visible()
    protocol.refresh_from_db()
    assert protocol.status == Protocol.Status.SIGNED
    page.close()


def test_without_javascript_the_server_refuses_unsaved_results(browser, live_server, log_in, teacher, course):
    protocol = _statement_with_one_result_missing(course, teacher)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, "teacher")
    page.goto(f"{live_server.url}/protocols/{protocol.pk}/")
    page.get_by_label("Результат: Петров Пётр Петрович").fill("зачтено")
    page.get_by_role("button", name="Подписать…").click()
    expect(page.locator(".message.error")).to_contain_text(
        "Не подписано: на экране есть несохранённые изменения результатов (Петров П. П.)"
    )
    expect(page.get_by_label("Результат: Петров Пётр Петрович")).to_have_value("зачтено")
    protocol.refresh_from_db()
    assert protocol.status == Protocol.Status.DRAFT and protocol.examiner_signed_at is None
    assert protocol.results.get(enrollment=course["classmate"]).value == "не зачтено"
    context.close()
