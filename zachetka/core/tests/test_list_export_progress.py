"""A list export's job advances by the rows it reads and then the rows it writes
(«чтение: строка 3000 из 20000», «запись XLSX: строка …»), not by one step of one."""

from zachetka.core import plural
from zachetka.jobs.tests.recording import RecordingProgress, running_job
from zachetka.programs import jobs as program_jobs
from zachetka.programs import selectors as program_selectors


def test_the_enrolments_export_tells_each_row_read_and_written(course, registrar):
    count = program_selectors.enrollment_list(registrar, query="").count()
    assert count >= 2
    progress = RecordingProgress(running_job(registrar).pk)
    output = program_jobs.enrollment_list(progress, registrar, query=[])
    assert output.content[:2] == b"PK" and len(output.learner_ids) == count
    assert progress.told == [
        (0, 2 * count, f"чтение: {plural.count_with(count, 'строка', 'строки', 'строк')}"),
        *((n, 2 * count, f"чтение: строка {n} из {count}") for n in range(1, count + 1)),
        *((count + n, 2 * count, f"запись XLSX: строка {n} из {count}") for n in range(1, count + 1)),
    ]
    assert progress.written[-1]["done"] == progress.written[-1]["total"] == 2 * count
