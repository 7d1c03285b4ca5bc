"""A big Moodle import as the teacher sees it: confirmed on the preview, its job page shows the
outcome and the link to the gradebook once a real queue consumer has run it."""

import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from zachetka.gradebook.models import Grade
from zachetka.lms import jobs as lms_jobs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_job_page_shows_the_outcome_and_leads_to_the_gradebook(
    browser, live_server, log_in, teacher, moodle_course, english_csv, monkeypatch, queue_consumer
):
    monkeypatch.setattr(lms_jobs, "BACKGROUND_CELLS", 3)
    group, module = moodle_course["group"], moodle_course["module"]
    with tempfile.TemporaryDirectory() as folder:
        upload = Path(folder) / "Оценки.csv"
        upload.write_bytes(english_csv)
        page = browser.new_page()
        log_in(page, teacher.username)
        page.goto(f"{live_server.url}{reverse('lms:gradebook_import', args=[group.pk, module.pk])}")
        page.set_input_files("input[type=file]", str(upload))
        page.get_by_role("button", name="Проверить файл").click()
        expect(page.get_by_text("Оценок много: они запишутся в фоне")).to_be_visible()
        page.get_by_role("button", name="Записать оценки в журнал").click()
        expect(page.locator("[data-job-summary]")).to_have_text(
            "Импорт из «Оценки.csv» выполнен: выставлено 5 оценок, исправлено — 0, без изменений — 0."
        )
        expect(page.locator("[data-job-label]")).to_have_text("готово")
        expect(page.locator("[data-job-file]")).to_be_hidden()
        page.get_by_role("link", name="Открыть журнал").click()
        page.wait_for_url(f"{live_server.url}{reverse('gradebook:grid', args=[group.pk, module.pk])}")
        page.close()
    assert Grade.objects.count() == 5
