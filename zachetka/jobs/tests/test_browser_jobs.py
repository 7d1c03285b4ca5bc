"""A job as a person sees it: started from a page, the progress bar and the stage move while a
real queue consumer (in threads of this process) works, then the file appears to download."""

import threading

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from zachetka.jobs import registry, services
from zachetka.jobs.models import Job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLOW_KIND = "tests.three_steps"
# The test lets the job take each next step only after it has seen the previous one on the page.
_go_on = [threading.Event() for _ in range(3)]


@registry.register(SLOW_KIND, permission="programs.view_group")
def _three_steps(progress, user) -> registry.Output:
    for step in range(3):
        progress.step(step, 3, f"страница {step + 1} из 3", force=True)
        if not _go_on[step].wait(timeout=60):
            raise RuntimeError("the test never let the job go on")
    return registry.Output(name="итог.txt", content_type="text/plain", content="готово".encode())


@pytest.fixture
def consumer(queue_consumer):
    """The real consumer; a job still waiting for the test is let go before it stops."""
    try:
        yield queue_consumer
    finally:
        for event in _go_on:
            event.set()


def test_the_progress_bar_follows_the_job_then_offers_the_file(
    browser, live_server, log_in, registrar, consumer
):
    for event in _go_on:
        event.clear()
    job = services.start(by=registrar, kind=SLOW_KIND, params={}, title="Три страницы")
    page = browser.new_page()
    log_in(page, registrar.username)
    page.goto(f"{live_server.url}{reverse('jobs:job_detail', args=[job.pk])}")
    stage = page.locator("[data-job-stage]")
    bar = page.locator("[data-job-progress]")
    expect(stage).to_have_text("страница 1 из 3")
    expect(bar).to_have_attribute("value", "0")
    _go_on[0].set()
    expect(stage).to_have_text("страница 2 из 3")
    expect(bar).to_have_attribute("value", "33")
    expect(page.locator("[data-job-label]")).to_have_text("выполняется")
    _go_on[1].set()
    expect(stage).to_have_text("страница 3 из 3")
    _go_on[2].set()
    link = page.get_by_role("link", name="Скачать файл")
    expect(link).to_be_visible()
    expect(page.locator("[data-job-label]")).to_have_text("готово")
    expect(bar).to_have_attribute("value", "100")
    assert Job.objects.get(pk=job.pk).status == Job.Status.DONE
    body = page.request.get(f"{live_server.url}{link.get_attribute('href')}").body()
    assert body.decode() == "готово"
    page.close()
