import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registrar_logs_in_and_finds_a_learner(browser, live_server, log_in, registrar, make_learner):
    make_learner(last_name="Иванова", first_name="Мария", middle_name="Петровна", sex="F")
    make_learner(last_name="Петров", first_name="Пётр", middle_name="Сергеевич")
    page = browser.new_page()
    log_in(page, "registrar")
    expect(page.locator("h1")).to_have_text("Здравствуйте, Марина")
    page.click("text=Слушатели")
    page.wait_for_url("**/learners/")
    page.fill("input[name=q]", "иванова")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/learners/?q=*")
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Иванова Мария Петровна")


def test_wrong_password_is_explained_in_russian(browser, live_server, registrar):
    page = browser.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "registrar")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    # The answer is a new page: wait for it rather than read the one being left.
    expect(page.get_by_text("Неверное имя пользователя или пароль")).to_be_visible()
