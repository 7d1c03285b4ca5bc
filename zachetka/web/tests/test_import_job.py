"""A big learners file is imported by a background job after its preview: progress by rows,
all or nothing, the error report by row; a small one is still imported at once."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from zachetka.jobs.models import Job
from zachetka.jobs.progress import Progress
from zachetka.people import services as people_services
from zachetka.people.models import Learner
from zachetka.programs.models import Enrollment
from zachetka.web import jobs as web_jobs

HEADER = "Фамилия;Имя;Дата рождения;Пол\r\n"


def _csv(count: int) -> bytes:
    first = dt.date(1980, 1, 1)
    people = ("Иванова;Ирина", "Ж"), ("Иванов;Иван", "М")
    rows = [
        f"{people[n % 2][0]};{first + dt.timedelta(days=n):%d.%m.%Y};{people[n % 2][1]}\r\n"
        for n in range(count)
    ]
    return (HEADER + "".join(rows)).encode()


def _staged(settings) -> list:  # noqa: ANN001
    folder = settings.IMPORT_STAGING_DIR
    return sorted(folder.glob("*.upload")) if folder.is_dir() else []


def _preview(client, content: bytes, **data) -> str:  # noqa: ANN001, ANN003
    response = client.post(
        reverse("web:learner_import"), {"file": SimpleUploadedFile("l.csv", content), **data}
    )
    assert response.status_code == 200, response.content.decode()[:500]
    return response


class RecordingProgress(Progress):
    """The real progress (it writes the job's row), remembering what it was told."""

    def __init__(self, job_id: object) -> None:
        super().__init__(job_id)
        self.steps: list[tuple] = []

    def step(self, done: int, total: int, stage: str = "", *, force: bool = False) -> None:
        self.steps.append((done, total, stage))
        super().step(done, total, stage, force=force)


def test_a_file_of_more_than_500_learners_is_imported_by_a_job(client, registrar, make_group, settings):
    group = make_group()
    client.force_login(registrar)
    preview = _preview(
        client,
        _csv(501),
        group=group.pk,
        admission_order_number="15-к",
        admission_order_date="20.11.2026",
    )
    assert "загрузится в фоне" in preview.content.decode()
    response = client.post(reverse("web:learner_import_confirm"), {"token": preview.context["token"]})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.error
    assert job.kind == web_jobs.LEARNER_IMPORT and job.title == "Импорт слушателей из файла l.csv"
    assert Learner.objects.count() == 501
    assert Enrollment.objects.filter(group=group, admission_order_number="15-к").count() == 501
    assert len(job.learner_ids) == 501
    assert _staged(settings) == []  # the job deleted the staged file
    body = b"".join(client.get(reverse("jobs:file", args=[job.pk])).streaming_content)
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet["A1"].value.startswith("Импорт завершён: добавлено 501 слушатель")
    assert "Зачислено в группу" in sheet["A1"].value
    assert [cell.value for cell in sheet[3]] == ["Строка файла", "Слушатель", "Итог"]
    assert [cell.value for cell in sheet[4]] == [2, "Иванова Ирина", "добавлена"]
    assert [cell.value for cell in sheet[5]] == [3, "Иванов Иван", "добавлен"]
    assert sheet.max_row == 3 + 501
    again = client.post(
        reverse("web:learner_import_confirm"), {"token": preview.context["token"]}, follow=True
    )
    assert "Предпросмотр устарел" in again.content.decode() and Job.objects.count() == 1


# Transactional: on PostgreSQL the steps written inside the import's transaction go through a
# connection of their own (jobs/progress.py), which sees only committed rows.
@pytest.mark.django_db(transaction=True)
def test_progress_is_reported_by_rows(client, registrar, settings, monkeypatch):
    monkeypatch.setattr(people_services, "IMPORT_STEP_ROWS", 1)
    client.force_login(registrar)
    token = _preview(client, _csv(3)).context["token"]
    staged = client.session["learner_import"]
    assert staged["token"] == token and staged["rows"] == 3
    params = {
        "token": token,
        "filename": "l.csv",
        "group_id": None,
        "admission_order_number": "",
        "admission_order_date": "",
        "rows": 3,
    }
    job = Job.objects.create(
        owner=registrar,
        kind=web_jobs.LEARNER_IMPORT,
        params=params,
        title="Импорт",
        status=Job.Status.RUNNING,
    )
    progress = RecordingProgress(job.pk)
    web_jobs.learner_import(progress, registrar, **params)
    said = [stage for _, _, stage in progress.steps]
    assert "проверка: строка 3 из 3" in said
    assert said[-3:] == ["запись: строка 1 из 3", "запись: строка 2 из 3", "запись: строка 3 из 3"]
    # Told before the write transaction opens (on SQLite the page sees only that until it ends).
    assert said[-4] == "запись: 3 строки в базу" and progress.steps[-4][:2] == (3, 6)
    assert progress.steps[-1][:2] == (6, 6)
    job.refresh_from_db()
    assert (job.done, job.total, job.stage) == (6, 6, "отчёт об импорте")
    assert Learner.objects.count() == 3 and _staged(settings) == []


def test_a_refused_big_import_fails_the_job_with_the_rows_and_writes_nothing(
    client, registrar, settings, monkeypatch
):
    monkeypatch.setattr(web_jobs, "BACKGROUND_ROWS", 1)
    client.force_login(registrar)
    token = _preview(client, _csv(2)).context["token"]
    # The file changed between the preview and the confirmation: checked again by the job.
    bad = HEADER + "Петров;Пётр;31.02.1990;М\r\nИванов;Иван;01.01.1980;М\r\nSmith;John;01.01.1981;М\r\n"
    _staged(settings)[0].write_bytes(bad.encode())
    client.post(reverse("web:learner_import_confirm"), {"token": token})
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and not job.file
    summary, *rows = job.error.splitlines()
    assert summary == "Найдено 3 ошибки в 2 строках. Файл не загружен: исправьте и загрузите снова."
    assert rows[0].startswith("строка 2, «Дата рождения»") and rows[1].startswith("строка 4, «Фамилия»")
    assert rows[2].startswith("строка 4, «Имя»") and len(rows) == 3
    assert Learner.objects.count() == 0 and _staged(settings) == []
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "строка 2, «Дата рождения»" in page


def test_a_small_file_is_still_imported_at_once(client, registrar, settings):
    client.force_login(registrar)
    token = _preview(client, _csv(2)).context["token"]
    response = client.post(reverse("web:learner_import_confirm"), {"token": token}, follow=True)
    assert "Импорт завершён: добавлено 2 слушателя" in response.content.decode()
    assert not Job.objects.exists() and Learner.objects.count() == 2


@pytest.mark.parametrize("rows", [500, 501])
def test_the_threshold(client, registrar, rows):
    client.force_login(registrar)
    token = _preview(client, _csv(rows)).context["token"]
    client.post(reverse("web:learner_import_confirm"), {"token": token})
    assert Job.objects.exists() == (rows > 500)
    assert Learner.objects.count() == rows
