"""The consolidated statement's job advances by learners written (XLSX) or by pages laid out and
the file assembled (PDF), not by two fixed steps."""

from zachetka.attestation import jobs as attestation_jobs
from zachetka.jobs.tests.recording import RecordingProgress, in_order, running_job


def test_the_xlsx_tells_each_learner_written(graduated, registrar):
    group = graduated.group
    count = group.enrollments.count()
    assert count >= 2
    progress = RecordingProgress(running_job(registrar).pk)
    attestation_jobs.summary(progress, registrar, group_id=group.pk, output_format="xlsx")
    assert progress.told == [
        (None, None, "сбор результатов из подписанных протоколов"),
        *((n, count, f"запись XLSX: слушатель {n} из {count}") for n in range(1, count + 1)),
    ]


def test_the_pdf_tells_the_pages_laid_out_then_the_assembly(graduated, registrar):
    progress = RecordingProgress(running_job(registrar).pk)
    output = attestation_jobs.summary(progress, registrar, group_id=graduated.group.pk, output_format="pdf")
    assert output.content[:4] == b"%PDF"
    assert in_order(
        progress.stages, "сбор результатов из подписанных протоколов", "вёрстка PDF: страница 1", "сборка PDF"
    )
    last = progress.written[-1]
    assert (last["stage"], last["done"], last["total"]) == ("сборка PDF", 0, 0)
