import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registrar_logs_in_and_finds_a_learner(browser, live_server, log_in, registrar, make_learner):
    make_learner(last_name="Иванова", first_name="Мария", middle_name="Петровна", sex="F")
    make_learner(last_name="Петров", first_name="Пётр", middle_name="Сергеевич")
    page = browser.new_page()
    log_in(page, "registrar")
    assert "Здравствуйте, Марина" in page.content()
    page.click("text=Слушатели")
    page.fill("input[name=q]", "иванова")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/learners/?q=*")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 1
    assert "Иванова Мария Петровна" in rows.first.inner_text()


def test_wrong_password_is_explained_in_russian(browser, live_server, registrar):
    page = browser.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "registrar")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert "Неверное имя пользователя или пароль" in page.content()
