"""The ФИС ФРДО export as a background job: started by the page's form, its progress by rows,
a refusal is a failed job with the report by row and marks nothing, one job per request."""

import datetime as dt
import io

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.urls import reverse
from openpyxl import load_workbook

from zachetka.accesslog.models import AccessRecord
from zachetka.documents import frdo, services
from zachetka.documents import jobs as document_jobs
from zachetka.documents.models import Document, FrdoExport
from zachetka.jobs import services as jobs
from zachetka.jobs.models import Job
from zachetka.jobs.progress import Progress

ISSUED = dt.date(2026, 11, 27)
FORM = {"template": "dpo", "year": 2026, "only_new": "on"}


@pytest.fixture
def issued(graduated, registrar):
    return services.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=ISSUED, series="", first_number="000118"
    )


class RecordingProgress(Progress):
    """The real progress (it writes the job's row), remembering what it was told."""

    def __init__(self, job_id: object) -> None:
        super().__init__(job_id)
        self.steps: list[tuple] = []

    def step(self, done: int, total: int, stage: str = "", *, force: bool = False) -> None:
        self.steps.append((done, total, stage))
        super().step(done, total, stage, force=force)


def test_the_form_starts_a_job_that_makes_the_file_and_marks_the_documents(client, issued, registrar):
    client.force_login(registrar)
    response = client.post(reverse("documents:frdo"), FORM)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.error
    assert job.kind == document_jobs.FRDO_EXPORT and "ФИС ФРДО" in job.title
    record = FrdoExport.objects.get()
    assert job.file_name == record.file_name and record.rows == 2
    assert sorted(job.learner_ids) == sorted(d.enrollment.learner_id for d in issued)
    assert Document.objects.filter(frdo_export=record).count() == 2
    before = AccessRecord.objects.count()
    body = b"".join(client.get(reverse("jobs:file", args=[job.pk])).streaming_content)
    rows = list(load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 3 and {row[8] for row in rows[1:]} == {d.registration_number for d in issued}
    assert AccessRecord.objects.count() == before + 1
    page = client.get(reverse("documents:frdo")).content.decode()
    assert reverse("documents:frdo_file", args=[record.pk]) in page and "data-frdo-problems" not in page


def test_progress_is_reported_by_rows_while_it_runs(issued, registrar, monkeypatch):
    monkeypatch.setattr(frdo, "STEP_ROWS", 1)
    job, created = jobs.request(
        by=registrar,
        kind=document_jobs.FRDO_EXPORT,
        params={"template_key": "dpo", "year": 2026, "group_id": None, "only_new": True},
        title="ФРДО",
    )
    assert created
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    progress = RecordingProgress(job.pk)
    output = document_jobs.frdo_export(
        progress, registrar, template_key="dpo", year=2026, group_id=None, only_new=True
    )
    assert output.content[:2] == b"PK"
    assert progress.steps[:2] == [(1, 2, "строка 1 из 2"), (2, 2, "строка 2 из 2")]
    job.refresh_from_db()
    assert (job.done, job.total) == (2, 2)


def test_a_refusal_fails_the_job_with_its_rows_and_marks_nothing(client, issued, registrar, course):
    learner = course["classmate"].learner
    learner.snils = "11223344596"  # wrong checksum, written around the form's validation
    learner.save()
    smirnova = course["own"].learner
    smirnova.citizenship = ""
    smirnova.save()
    client.force_login(registrar)
    client.post(reverse("documents:frdo"), FORM)
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and not job.file
    first, *rows = job.error.splitlines()
    assert first.startswith("Выгрузка не выполнена: ошибок — 2. Ничего не отмечено как выгруженное")
    assert any(row.startswith("Рег. № 2026-00001 (Петров П. П.): «СНИЛС»") for row in rows)
    assert any(row.startswith("Рег. № 2026-00002 (Смирнова А. С.): «Гражданство") for row in rows)
    assert not FrdoExport.objects.exists()
    assert not Document.objects.filter(frdo_exported_at__isnull=False).exists()
    detail = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "ошибок — 2" in detail and "job-error" in detail
    page = client.get(reverse("documents:frdo")).content.decode()
    assert "data-frdo-problems" in page and "Рег. № 2026-00001 (Петров П. П.)" in page


def test_the_same_request_while_queued_is_one_job(client, issued, registrar):
    queued, _ = jobs.request(
        by=registrar,
        kind=document_jobs.FRDO_EXPORT,
        params={"template_key": "dpo", "year": 2026, "group_id": None, "only_new": True},
        title="ФРДО",
    )
    client.force_login(registrar)
    response = client.post(reverse("documents:frdo"), FORM)
    assert response["Location"] == reverse("jobs:job_detail", args=[queued.pk])
    assert Job.objects.get().status == Job.Status.QUEUED
    assert not FrdoExport.objects.exists()
    page = client.get(reverse("documents:frdo")).content.decode()
    assert "Выгрузка выполняется" in page


def test_a_bad_form_starts_nothing(client, registrar):
    client.force_login(registrar)
    response = client.post(reverse("documents:frdo"), {"template": "dpo", "year": 1800})
    assert response.status_code == 200 and not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second connection needs a server database")
def test_the_page_sees_the_progress_while_the_export_runs(issued, registrar, monkeypatch):
    monkeypatch.setattr(frdo, "STEP_ROWS", 1)
    job, _ = jobs.request(
        by=registrar,
        kind=document_jobs.FRDO_EXPORT,
        params={"template_key": "dpo", "year": 2026, "group_id": None, "only_new": True},
        title="ФРДО",
    )
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    main = connections[DEFAULT_DB_ALIAS]
    outside = type(main)(dict(main.settings_dict), DEFAULT_DB_ALIAS)
    seen = []

    class Watched(Progress):
        def step(self, done: int, total: int, stage: str = "", *, force: bool = False) -> None:
            super().step(done, total, stage, force=force)
            with outside.cursor() as cursor:
                cursor.execute("SELECT done, total, stage FROM jobs_job WHERE id = %s", [job.pk])
                seen.append(cursor.fetchone())

    try:
        output = document_jobs.frdo_export(
            Watched(job.pk), registrar, template_key="dpo", year=2026, group_id=None, only_new=True
        )
    finally:
        outside.close()
    # Seen from outside while the export ran (the last row's step is never skipped by the
    # writes' rate limit); the documents are marked with the job's success.
    assert (2, 2, "строка 2 из 2") in seen
    assert not FrdoExport.objects.exists()
    jobs._finish(job, output)
    assert FrdoExport.objects.filter(rows=2).exists()
