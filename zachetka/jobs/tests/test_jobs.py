"""Background jobs: started from a page, run by the queue, progress, the file, failures, keeping."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.storage import SqliteStorage

from conftest import run_concurrently
from zachetka.accesslog.models import AccessRecord
from zachetka.jobs import registry, services, tasks
from zachetka.jobs.models import Job

TEST_KIND = "tests.numbers"
FAILING_KIND = "tests.refused"
BROKEN_KIND = "tests.broken"


@registry.register(TEST_KIND, permission="programs.view_group")
def _numbers(progress, user, *, count: int) -> registry.Output:
    for done in range(count):
        progress.step(done, count, f"строка {done + 1} из {count}", force=True)
    return registry.Output(name="числа.txt", content_type="text/plain", content=b"1 2 3", learner_ids=[])


@registry.register(FAILING_KIND, permission="programs.view_group")
def _refused(progress, user) -> registry.Output:
    progress.stage("проверка")
    raise ValidationError("Строка 3: нет СНИЛС.")


@registry.register(BROKEN_KIND, permission="programs.view_group")
def _broken(progress, user) -> registry.Output:
    raise RuntimeError("disk on fire")


def test_a_job_runs_and_keeps_its_file_for_its_owner_only(registrar, curator, client):
    job = services.start(by=registrar, kind=TEST_KIND, params={"count": 3}, title="Проверка")
    assert job.status == Job.Status.DONE
    assert job.percent == 100 and job.file_name == "числа.txt"
    assert (job.done, job.total) == (3, 3)  # the last report's count, not a placeholder
    client.force_login(registrar)
    page = client.get(reverse("jobs:job_detail", args=[job.pk]))
    assert page.status_code == 200
    assert "Скачать файл" in page.content.decode()
    status = client.get(reverse("jobs:job_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["file_url"] == reverse("jobs:file", args=[job.pk])
    download = client.get(status["file_url"])
    assert b"".join(download.streaming_content) == b"1 2 3"
    assert "attachment" in download["Content-Disposition"]
    listing = client.get(reverse("jobs:job_list")).content.decode()
    assert "Проверка" in listing
    client.force_login(curator)
    for name in ("jobs:job_detail", "jobs:job_status", "jobs:file"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert "Проверка" not in client.get(reverse("jobs:job_list")).content.decode()


def test_a_refused_job_says_why_and_stores_nothing(registrar, settings, tmp_path):
    job = services.start(by=registrar, kind=FAILING_KIND, params={}, title="Отказ")
    assert job.status == Job.Status.FAILED
    assert job.error == "Строка 3: нет СНИЛС."
    assert not job.file
    assert not (tmp_path / "media" / "jobs").exists()


def test_an_unexpected_error_gives_a_russian_message_not_a_trace(registrar):
    job = services.start(by=registrar, kind=BROKEN_KIND, params={}, title="Сбой")
    assert job.status == Job.Status.FAILED
    assert job.error == services.INTERNAL_ERROR
    assert "disk" not in job.error


def test_a_role_without_the_permission_cannot_start_it(learner_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.start(by=learner_user, kind=TEST_KIND, params={"count": 1}, title="Нельзя")
    assert not Job.objects.exists()


def test_the_same_request_while_queued_is_the_same_job(registrar):
    first, created = services.request(by=registrar, kind=TEST_KIND, params={"count": 2}, title="Один")
    again = services.start(by=registrar, kind=TEST_KIND, params={"count": 2}, title="Один")
    other = services.start(by=registrar, kind=TEST_KIND, params={"count": 5}, title="Другой")
    assert created and again.pk == first.pk and again.status == Job.Status.QUEUED
    assert other.pk != first.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(owner=registrar, kind=TEST_KIND, request_digest=first.request_digest)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="true concurrency needs a server database")
def test_identical_requests_at_once_make_one_job(make_user):
    from zachetka.core import roles

    user = make_user("registrar_race", role=roles.STAFF)
    results, errors = run_concurrently(
        lambda: services.request(by=user, kind=TEST_KIND, params={"count": 9}, title="Гонка")[0].pk,
        threads=6,
    )
    assert errors == []
    assert len(set(results)) == 1
    assert Job.objects.count() == 1


def test_progress_is_written_to_the_row_while_running(registrar):
    job, _ = services.request(by=registrar, kind=TEST_KIND, params={"count": 4}, title="Ход")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    from zachetka.jobs.progress import Progress

    Progress(job.pk).step(12, 40, "страница 12 из 40", force=True)
    job.refresh_from_db()
    assert (job.done, job.total, job.stage, job.percent) == (12, 40, "страница 12 из 40", 30)


def test_keeping_period_and_cut_off_jobs(registrar, settings):
    settings.JOBS_KEEP_DAYS = 7
    old = services.start(by=registrar, kind=TEST_KIND, params={"count": 1}, title="Старое")
    fresh = services.start(by=registrar, kind=TEST_KIND, params={"count": 2}, title="Новое")
    stored = old.file.name
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    silent, _ = services.request(by=registrar, kind=TEST_KIND, params={"count": 3}, title="Молчит")
    Job.objects.filter(pk=silent.pk).update(
        status=Job.Status.RUNNING, heartbeat_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert services.clean() == (1, 1)
    assert not Job.objects.filter(pk=old.pk).exists()
    assert not old.file.storage.exists(stored)
    assert Job.objects.get(pk=fresh.pk).status == Job.Status.DONE
    silent.refresh_from_db()
    assert silent.status == Job.Status.FAILED and silent.error == services.CUT_OFF


@pytest.mark.django_db(transaction=True)
def test_a_queued_job_survives_a_restart_of_the_queue(registrar, tmp_path):
    """Queued into the SQLite file, then picked up by a new storage on the same file (a consumer
    started after the web server and the old consumer went away)."""
    saved = HUEY.storage
    HUEY.immediate = False
    try:
        HUEY.storage = SqliteStorage(name="zachetka-test", filename=str(tmp_path / "queue.sqlite3"))
        job, _ = services.request(by=registrar, kind=TEST_KIND, params={"count": 2}, title="Рестарт")
        tasks.run_job(str(job.pk))
        assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
        HUEY.storage = SqliteStorage(name="zachetka-test", filename=str(tmp_path / "queue.sqlite3"))
        message = HUEY.dequeue()
        assert message is not None
        HUEY.execute(message)
    finally:
        HUEY.storage = saved
        HUEY.immediate = True
    assert Job.objects.get(pk=job.pk).status == Job.Status.DONE


def test_group_documents_are_printed_by_a_job(client, registrar, graduated):
    from zachetka.documents import services as document_services

    issued = document_services.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=dt.date(2026, 11, 27), first_number="000118"
    )
    client.force_login(registrar)
    group = graduated.group
    response = client.post(reverse("documents:group_documents_print", args=[group.pk]), {"format": "zip"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.error
    assert job.file_name == f"Документы {group.code}.zip"
    assert sorted(job.learner_ids) == sorted(d.enrollment.learner_id for d in issued)
    before = AccessRecord.objects.count()
    body = b"".join(client.get(reverse("jobs:file", args=[job.pk])).streaming_content)
    assert body[:2] == b"PK"
    assert AccessRecord.objects.count() == before + 1


def test_the_consolidated_statement_is_made_by_a_job(client, registrar, graduated):
    client.force_login(registrar)
    group = graduated.group
    url = reverse("attestation:group_summary_print", args=[group.pk])
    assert client.post(url, {"format": "csv"}).status_code == 302
    assert not Job.objects.exists()
    client.post(url, {"format": "xlsx"})
    client.post(url, {"format": "pdf"})
    made = {job.file_name: job for job in Job.objects.all()}
    assert set(made) == {f"Сводная ведомость {group.code}.xlsx", f"Сводная ведомость {group.code}.pdf"}
    assert all(job.status == Job.Status.DONE for job in made.values())
    pdf = made[f"Сводная ведомость {group.code}.pdf"]
    assert b"".join(client.get(reverse("jobs:file", args=[pdf.pk])).streaming_content)[:4] == b"%PDF"
    enrolled = set(group.enrollments.values_list("learner_id", flat=True))
    assert set(pdf.learner_ids) == enrolled


def test_the_whole_gradebook_xlsx_is_made_by_a_job(client, teacher, curator, world):
    import io

    from openpyxl import load_workbook

    group = world["mine"]
    client.force_login(teacher)
    response = client.post(reverse("gradebook:group_export_job", args=[group.pk]))
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.status == Job.Status.DONE and job.file_name == f"Журнал {group.code}.xlsx"
    body = b"".join(client.get(reverse("jobs:file", args=[job.pk])).streaming_content)
    workbook = load_workbook(io.BytesIO(body))
    assert len(workbook.sheetnames) == group.program.modules.count()
    client.force_login(curator)
    assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 404
    other = world["other"]
    assert client.post(reverse("gradebook:group_export_job", args=[other.pk])).status_code == 404
