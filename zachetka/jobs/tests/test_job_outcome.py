"""A job's outcome is one thing: a job marked cut off stays failed (its file and its work's
writes are not kept), a failure while finishing writes none of the work, and a running job's
heartbeat stays fresh while one step lasts long."""

import datetime as dt
import time

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.utils import timezone

from zachetka.jobs import registry, services
from zachetka.jobs.models import Job
from zachetka.jobs.tests.recording import RecordingProgress, running_job

CUT_OFF_KIND = "tests.cut_off_meanwhile"
COMMIT_FAILS_KIND = "tests.commit_fails"
LONG_STEP_KIND = "tests.long_step"


def _stored_files(settings) -> list:
    jobs_dir = settings.MEDIA_ROOT / "jobs"
    return [path for path in jobs_dir.rglob("*") if path.is_file()] if jobs_dir.exists() else []


@registry.register(CUT_OFF_KIND, permission="programs.view_group")
def _cut_off_meanwhile(progress, user) -> registry.Output:
    # The worker went quiet for longer than allowed: the clean-up marks the job cut off (and a
    # new request could start) while this run still goes on to its end.
    Job.objects.filter(kind=CUT_OFF_KIND).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    assert services.clean() == (0, 1)
    return registry.Output(
        name="поздно.txt",
        content_type="text/plain",
        content=b"late",
        commit=lambda: AuthGroup.objects.create(name="written by the cut-off job"),
    )


@registry.register(COMMIT_FAILS_KIND, permission="programs.view_group")
def _commit_fails(progress, user) -> registry.Output:
    def commit() -> None:
        AuthGroup.objects.create(name="written before the failure")
        raise RuntimeError("the disk is full")

    return registry.Output(name="сбой.txt", content_type="text/plain", content=b"x", commit=commit)


@registry.register(LONG_STEP_KIND, permission="programs.view_group")
def _long_step(progress, user) -> registry.Output:
    """One step with no progress reports, lasting until the heartbeat has moved on its own: the
    claim set the heartbeat to the start time, and only the heartbeat thread moves it past that."""
    started = Job.objects.filter(kind=LONG_STEP_KIND).values_list("started_at", flat=True).get()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        beat = Job.objects.filter(kind=LONG_STEP_KIND).values_list("heartbeat_at", flat=True).get()
        if beat > started:
            return registry.Output(name="долго.txt", content_type="text/plain", content=b"ok")
        time.sleep(0.02)
    raise AssertionError("the heartbeat was not refreshed during the step")


def test_a_job_cut_off_while_it_ran_is_not_flipped_to_done(registrar, settings):
    job = services.start(by=registrar, kind=CUT_OFF_KIND, params={}, title="Прервано")
    assert job.status == Job.Status.FAILED
    assert job.error == services.CUT_OFF  # its own ending does not overwrite why it failed
    assert not job.file and job.file_name == ""
    assert not AuthGroup.objects.filter(name="written by the cut-off job").exists()
    assert _stored_files(settings) == []


def test_a_failure_while_finishing_writes_none_of_the_work_and_fails_the_job(registrar, settings):
    job = services.start(by=registrar, kind=COMMIT_FAILS_KIND, params={}, title="Сбой при записи")
    assert job.status == Job.Status.FAILED and job.error == services.INTERNAL_ERROR
    assert not AuthGroup.objects.filter(name="written before the failure").exists()
    assert _stored_files(settings) == []


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_is_refreshed_while_one_step_lasts(make_user, settings):
    from zachetka.core import roles

    settings.JOBS_HEARTBEAT_SECONDS = 0.05
    user = make_user("registrar_beat", role=roles.STAFF)
    job, _ = services.request(by=user, kind=LONG_STEP_KIND, params={}, title="Долгий шаг")
    services.run(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert job.heartbeat_at > job.started_at


def test_a_stage_of_unknown_length_clears_the_count_and_the_page_shows_no_value(registrar, client):
    job = running_job(registrar)
    progress = RecordingProgress(job.pk)
    progress.step(3, 10, "документ 3 из 10", force=True)
    progress.working("вёрстка PDF: страница 1")
    job.refresh_from_db()
    assert (job.done, job.total, job.stage) == (0, 0, "вёрстка PDF: страница 1")
    client.force_login(registrar)
    from django.urls import reverse

    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    bar = next(line for line in page.splitlines() if "data-job-progress" in line)
    assert "value=" not in bar


def test_pages_told_many_times_a_second_are_written_at_the_rate_limit(registrar):
    job = running_job(registrar)
    progress = RecordingProgress(job.pk)
    for page in range(1, 201):
        progress.working(f"вёрстка PDF: страница {page}", force=False)
    progress.working("сборка PDF")
    assert len(progress.told) == 201
    # A few writes a second at most, whatever the machine's speed; the last is never skipped.
    assert len(progress.written) < 20
    assert progress.written[-1]["stage"] == "сборка PDF"
