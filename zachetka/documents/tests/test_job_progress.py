"""The documents app's jobs advance through real units of work (documents read, pages laid out,
the file assembled), and the ФИС ФРДО export is all or nothing with its job: a failure at the
end leaves neither a file nor a marked document."""

import datetime as dt

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from zachetka.documents import jobs as document_jobs
from zachetka.documents import services
from zachetka.documents.models import Document, FrdoExport, FrdoSubmission
from zachetka.jobs import services as jobs
from zachetka.jobs.models import Job
from zachetka.jobs.tests.recording import RecordingProgress, in_order, running_job

ISSUED = dt.date(2026, 11, 27)
FRDO_FORM = {"template": "dpo", "year": 2026, "only_new": "on"}


@pytest.fixture
def issued(graduated, registrar):
    return services.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=ISSUED, series="", first_number="000118"
    )


class RefusingJobFiles(FileSystemStorage):
    """Stores files, except a job's own: its finishing step fails after the work was done."""

    def _save(self, name: str, content: object) -> str:
        if name.startswith("jobs/"):
            raise OSError("no space left on the device")
        return super()._save(name, content)


class RefusingExportFiles(FileSystemStorage):
    def _save(self, name: str, content: object) -> str:
        if name.startswith("frdo/"):
            raise OSError("no space left on the device")
        return super()._save(name, content)


def _files(settings, folder: str) -> list:
    root = settings.MEDIA_ROOT / folder
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_the_registry_pdf_tells_the_documents_read_then_the_pages_laid_out(issued, registrar):
    progress = RecordingProgress(running_job(registrar).pk)
    output = document_jobs.registry_export(progress, registrar, query=[], output_format="pdf")
    assert output.content[:4] == b"%PDF"
    assert progress.told[:2] == [(1, 2, "чтение: документ 1 из 2"), (2, 2, "чтение: документ 2 из 2")]
    assert in_order(progress.stages, "чтение: документ 2 из 2", "вёрстка PDF: страница 1", "сборка PDF")
    assert progress.written[-1]["stage"] == "сборка PDF"


def test_the_registry_xlsx_tells_the_documents_read_then_the_rows_written(issued, registrar):
    progress = RecordingProgress(running_job(registrar).pk)
    document_jobs.registry_export(progress, registrar, query=[], output_format="xlsx")
    assert progress.told == [
        (1, 4, "чтение: документ 1 из 2"),
        (2, 4, "чтение: документ 2 из 2"),
        (3, 4, "запись XLSX: строка 1 из 2"),
        (4, 4, "запись XLSX: строка 2 из 2"),
    ]


@pytest.mark.parametrize(
    ("output_format", "after_the_documents"),
    [
        ("pdf", [(2, 3, "сборка PDF: 2 из 2 документов")]),
        ("zip", [(2, 4, "сборка PDF: документ 1 из 2"), (3, 4, "сборка PDF: документ 2 из 2")]),
    ],
)
def test_group_print_tells_the_assembly_after_the_last_document(
    issued, registrar, output_format, after_the_documents
):
    group = issued[0].enrollment.group
    progress = RecordingProgress(running_job(registrar).pk)
    document_jobs.group_print(progress, registrar, group_id=group.pk, output_format=output_format)
    total = after_the_documents[-1][1]
    assert progress.told == [
        (0, total, "документ 1 из 2"),
        (1, total, "документ 2 из 2"),
        *after_the_documents,
    ]
    if output_format == "pdf":  # the assembly is written even right after the last document
        assert progress.written[-1]["stage"] == "сборка PDF: 2 из 2 документов"


def test_the_frdo_export_reads_outside_any_transaction_and_marks_with_the_jobs_success(
    issued, registrar, settings
):
    """Its rows are told from outside any transaction of its own (on SQLite the page sees them
    only then); the documents are marked in the transaction that marks the job done."""
    from zachetka.jobs import progress as progress_module

    class Watched(RecordingProgress):
        def step(self, done: int, total: int, stage: str = "", *, force: bool = False) -> None:
            inside.append(progress_module._inside_the_work_transaction())
            super().step(done, total, stage, force=force)

    inside: list[bool] = []
    job, _ = jobs.request(
        by=registrar,
        kind=document_jobs.FRDO_EXPORT,
        params={"template_key": "dpo", "year": 2026, "group_id": None, "only_new": True},
        title="ФРДО",
    )
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    progress = Watched(job.pk)
    output = document_jobs.frdo_export(
        progress, registrar, template_key="dpo", year=2026, group_id=None, only_new=True
    )
    assert in_order(
        progress.stages, "отбор документов", "строка 2 из 2", "запись отметок о выгрузке: 2 документа"
    )
    assert inside and not any(inside)
    assert not Document.objects.filter(frdo_exported_at__isnull=False).exists()  # not yet
    jobs._finish(job, output)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    record = FrdoExport.objects.get()
    assert Document.objects.filter(frdo_export=record).count() == 2
    assert FrdoSubmission.objects.filter(export=record).count() == 2
    assert [path.name for path in _files(settings, "frdo")] == [record.file.name.rsplit("/", 1)[-1]]
    assert sorted(job.learner_ids) == sorted(d.enrollment.learner_id for d in issued)


def test_a_failure_at_the_jobs_end_leaves_no_export_file_and_no_marked_document(
    issued, registrar, client, settings
):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.RefusingJobFiles"}}
    client.force_login(registrar)
    client.post(reverse("documents:frdo"), FRDO_FORM)
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and job.error == jobs.INTERNAL_ERROR
    assert not FrdoExport.objects.exists() and not FrdoSubmission.objects.exists()
    assert not Document.objects.filter(frdo_exported_at__isnull=False).exists()
    assert _files(settings, "frdo") == [] and _files(settings, "jobs") == []


def test_a_failure_storing_the_export_file_marks_nothing(issued, registrar, client, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.RefusingExportFiles"}}
    client.force_login(registrar)
    client.post(reverse("documents:frdo"), FRDO_FORM)
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and job.error == jobs.INTERNAL_ERROR
    assert not FrdoExport.objects.exists()
    assert not Document.objects.filter(frdo_exported_at__isnull=False).exists()
    assert _files(settings, "frdo") == [] and _files(settings, "jobs") == []


def test_a_cut_off_frdo_job_marks_nothing_and_keeps_no_file(issued, registrar, settings):
    job, _ = jobs.request(
        by=registrar,
        kind=document_jobs.FRDO_EXPORT,
        params={"template_key": "dpo", "year": 2026, "group_id": None, "only_new": True},
        title="ФРДО",
    )
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    output = document_jobs.frdo_export(
        RecordingProgress(job.pk), registrar, template_key="dpo", year=2026, group_id=None, only_new=True
    )
    assert len(_files(settings, "frdo")) == 1  # stored, not yet recorded
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=jobs.CUT_OFF)
    with pytest.raises(jobs._NoLongerRunning):
        jobs._finish(job, output)
    assert not FrdoExport.objects.exists()
    assert not Document.objects.filter(frdo_exported_at__isnull=False).exists()
    assert _files(settings, "frdo") == [] and _files(settings, "jobs") == []
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error == jobs.CUT_OFF
