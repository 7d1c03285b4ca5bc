"""A big Moodle import is confirmed as a background job: the same checks, all or nothing, its
progress by learner rows seen while it runs, its outcome and a link to the gradebook on the job's
page, one job (and one write) for identical confirmations."""

import pytest
from django.db import connection
from django.urls import reverse

from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.gradebook import services as gradebook
from zachetka.gradebook.models import Grade, GradeChange
from zachetka.jobs import progress as jobs_progress
from zachetka.jobs import services as jobs
from zachetka.jobs.models import Job
from zachetka.lms import jobs as lms_jobs
from zachetka.lms import moodle, selectors
from zachetka.lms import views as lms_views
from zachetka.lms.forms import ConfirmForm
from zachetka.web import importing as staging

ENTERED = {
    ("Эссе 1", "Смирнова"): "85",
    ("Итоговый тест", "Смирнова"): "90",
    ("Итоговый тест", "Петров"): "72",
    ("Зачёт по практике", "Смирнова"): "зачтено",
    ("Зачёт по практике", "Петров"): "не зачтено",
}


def _values() -> dict[tuple[str, str], str]:
    return {
        (grade.assessment.title, grade.enrollment.learner.last_name): grade.value
        for grade in Grade.objects.select_related("assessment", "enrollment__learner")
    }


@pytest.fixture
def small_threshold(monkeypatch):
    """The fixture's file writes 5 cells: more than 3 makes it a job."""
    monkeypatch.setattr(lms_jobs, "BACKGROUND_CELLS", 3)


@pytest.fixture
def queue(monkeypatch):
    """The queue as the worker sees it: jobs are queued, not run, until `run_all()`."""
    from zachetka.jobs import tasks

    queued: list[str] = []
    monkeypatch.setattr(tasks, "run_job", queued.append)

    class Queue:
        ids = queued

        @staticmethod
        def run_all() -> None:
            for job_id in queued:
                jobs.run(job_id)

    return Queue


def test_a_big_import_runs_as_a_job_and_its_page_shows_the_outcome(
    client,
    teacher,
    moodle_course,
    preview,
    confirm,
    english_csv,
    small_threshold,
    django_capture_on_commit_callbacks,
):
    client.force_login(teacher)
    shown = preview(english_csv)
    assert "Оценок много: они запишутся в фоне" in shown.content.decode()
    # The job runs at once in tests; the staged file goes once its write has committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(shown)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("jobs:job_detail", args=[job.pk])
    assert (job.kind, job.status, job.error) == (lms_jobs.MOODLE_IMPORT, Job.Status.DONE, "")
    assert _values() == ENTERED
    assert AuditEvent.objects.filter(action=audit.Action.GRADE_ENTERED).count() == 5
    assert AuditEvent.objects.filter(action=audit.Action.GRADES_IMPORTED).count() == 1
    assert list(audit.verify_chain()) == []
    group, module = moodle_course["group"], moodle_course["module"]
    grid = reverse("gradebook:grid", args=[group.pk, module.pk])
    page = client.get(response.url)
    html = page.content.decode()
    outcome = "Импорт из «Оценки.csv» выполнен: выставлено 5 оценок, исправлено — 0, без изменений — 0."
    assert outcome in html
    assert f'href="{grid}">Открыть журнал</a>' in html
    assert "<p data-job-file hidden>" in html  # no file to download
    state = client.get(reverse("jobs:job_status", args=[job.pk])).json()
    assert (state["summary"], state["link_url"], state["file_url"]) == (outcome, grid, "")
    assert outcome in client.get(reverse("jobs:job_list")).content.decode()
    # The staged file is gone: the same confirmation again is refused before any job.
    again = confirm(shown)
    assert again.status_code == 302 and again.url == reverse(
        "lms:gradebook_import", args=[group.pk, module.pk]
    )
    assert Job.objects.count() == 1


def test_a_cell_changed_before_the_job_runs_refuses_the_whole_import(
    client, teacher, curator, moodle_course, preview, confirm, english_csv, small_threshold, queue
):
    client.force_login(teacher)
    shown = preview(english_csv)
    confirm(shown)
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    # While the job waits in the queue, the curator types a grade into the grid.
    gradebook.record_grade(
        by=curator,
        assessment=moodle_course["test"],
        enrollment=moodle_course["petrov"],
        text="60",
        expected_version=0,
    )
    events = AuditEvent.objects.count()
    queue.run_all()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error.splitlines() == [
        "Оценки не импортированы: 1 ошибка в 1 строке файла. Ни одна оценка не записана: "
        "исправьте файл или сопоставление и повторите.",
        "строка 3, «Quiz: Итоговый тест (Percentage)»: оценку изменили после предпросмотра "
        "(сейчас «60»): проверьте обновлённый предпросмотр и подтвердите снова",
    ]
    assert _values() == {("Итоговый тест", "Петров"): "60"}  # nothing of the file
    assert AuditEvent.objects.count() == events
    assert job.error.splitlines()[1] in client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    # The preview is still there: seen again and confirmed with the overwrite, it is imported.
    group, module = moodle_course["group"], moodle_course["module"]
    seen_again = client.get(
        reverse("lms:gradebook_import_preview", args=[group.pk, module.pk]), {"token": shown.context["token"]}
    )
    assert seen_again.status_code == 200
    confirm(seen_again, overwrite="on")
    queue.run_all()
    assert Job.objects.filter(status=Job.Status.DONE).count() == 1
    assert _values() == ENTERED


def test_a_missing_reason_is_said_on_the_preview_before_any_job(
    client, director, moodle_course, preview, confirm, english_csv, small_threshold
):
    group, module = moodle_course["group"], moodle_course["module"]
    gradebook.lock_gradebook(by=director, group=group, module=module, reason="Ведомость подписана")
    client.force_login(director)
    refused = confirm(preview(english_csv))
    assert refused.status_code == 422
    assert str(refused.context["refusal"].errors[0]) == (
        "строка 2, «Assignment: Эссе 1 (Real)»: Журнал модуля закрыт: укажите основание исправления."
    )
    assert not Job.objects.exists()
    assert not Grade.objects.exists()


def test_identical_confirmations_make_one_job_and_one_write(
    client, teacher, moodle_course, preview, confirm, english_csv, small_threshold, queue
):
    client.force_login(teacher)
    shown = preview(english_csv)
    first, second = confirm(shown), confirm(shown)
    job = Job.objects.get()
    assert first.url == second.url == reverse("jobs:job_detail", args=[job.pk])
    assert queue.ids == [str(job.pk)]
    queue.run_all()
    jobs.run(str(job.pk))  # delivered twice: the second delivery does nothing
    assert AuditEvent.objects.filter(action=audit.Action.GRADES_IMPORTED).count() == 1
    assert Grade.objects.count() == 5 and GradeChange.objects.count() == 5


def _confirmation(teacher, course, content: bytes) -> tuple[dict, dict]:  # noqa: ANN001
    """The preview's confirmation form and the session that staged its file, made as the
    upload and the preview make them."""
    group, module = course["group"], course["module"]
    gradebook_file = moodle.read_gradebook("Оценки.csv", content)
    assessments = selectors.assessments(teacher, group, module)
    mapping = moodle.guess_mapping(gradebook_file.columns, assessments)
    plan = moodle.plan_import(
        gradebook_file,
        mapping,
        assessments,
        selectors.enrollments(group),
        selectors.cells([a.pk for a in assessments]),
        gradable_statuses=gradebook.GRADABLE_STATUSES,
    )
    staged = staging.stage(content, "Оценки.csv", group.pk)
    data = {
        "token": staged.token,
        "seen": ConfirmForm.sign_seen(plan.seen_versions()),
        **{key: str(value or "") for key, value in mapping.items()},
    }
    session = {lms_views.SESSION_KEY: {**staging.to_session(staged), "module_id": module.pk}}
    return data, session


def test_the_job_reports_its_checking_progress_outside_its_write(teacher, moodle_course, english_csv):
    """On SQLite what a transaction writes is seen by others when it ends: the progress by learner
    rows is reported before the write's transaction opens, so the job's page sees it move."""
    data, _ = _confirmation(teacher, moodle_course, english_csv)
    group, module = moodle_course["group"], moodle_course["module"]
    reports: list[tuple[object, bool]] = []

    class Recorder:
        def step(self, done: int, total: int, stage: str = "", *, force: bool = False) -> None:
            reports.append(((done, total, stage), jobs_progress._inside_the_work_transaction()))

        def stage(self, text: str) -> None:
            reports.append((text, jobs_progress._inside_the_work_transaction()))

    mapping = {key: int(value) for key, value in data.items() if key not in ("token", "seen") and value}
    output = lms_jobs.moodle_import(
        Recorder(),
        teacher,
        token=data["token"],
        filename="Оценки.csv",
        group_id=group.pk,
        module_id=module.pk,
        mapping=mapping,
        seen=data["seen"],
        overwrite=False,
        reason="",
    )
    assert output.summary.startswith("Импорт из «Оценки.csv» выполнен: выставлено 5 оценок")
    assert Grade.objects.count() == 0  # written by the transaction that marks the job done
    output.commit()
    assert reports == [
        ("чтение файла", False),
        ("сопоставление слушателей и оценок", False),
        ((1, 10, "проверка: слушатель 1 из 2"), False),
        ((2, 10, "проверка: слушатель 2 из 2"), False),
        ((2, 10, "запись 5 оценок в журнал"), False),
    ]
    assert Grade.objects.count() == 5


def test_a_correction_by_import_keeps_history_versions_and_the_chain(
    client, teacher, moodle_course, preview, confirm, english_csv, small_threshold
):
    gradebook.record_grade(
        by=teacher,
        assessment=moodle_course["essay"],
        enrollment=moodle_course["smirnova"],
        text="70",
        expected_version=0,
    )
    client.force_login(teacher)
    confirm(preview(english_csv), overwrite="on")
    corrected = Grade.objects.get(assessment=moodle_course["essay"])
    assert (corrected.value, corrected.version) == ("85", 2)
    assert [(c.old_value, c.new_value) for c in corrected.changes.order_by("pk")] == [
        ("", "70"),
        ("70", "85"),
    ]
    event = AuditEvent.objects.get(action=audit.Action.GRADE_CORRECTED)
    assert event.subject_id == str(corrected.pk)
    assert list(audit.verify_chain()) == []
    assert (
        Job.objects.get()
        .result["summary"]
        .endswith("выставлено 4 оценки, исправлено — 1, без изменений — 0.")
    )


# Parallel requests through the live server: on SQLite every write waits for the one file lock,
# so the race is run where it matters, on PostgreSQL.
race = pytest.mark.django_db(transaction=True)
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="true concurrency needs a server database"
)


@race
@on_postgres
def test_ten_identical_confirmations_at_once_make_one_job_and_one_write(
    post_in_parallel, teacher, moodle_course, english_csv, small_threshold, queue
):
    data, session = _confirmation(teacher, moodle_course, english_csv)
    group, module = moodle_course["group"], moodle_course["module"]
    path = reverse("lms:gradebook_import_confirm", args=[group.pk, module.pk])
    responses = post_in_parallel(teacher, path, data, session=session)
    job = Job.objects.get()
    assert set(responses) == {(302, reverse("jobs:job_detail", args=[job.pk]))}
    assert queue.ids == [str(job.pk)]
    queue.run_all()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert _values() == ENTERED
    assert AuditEvent.objects.filter(action=audit.Action.GRADES_IMPORTED).count() == 1
    assert GradeChange.objects.count() == 5


@race
@on_postgres
def test_ten_identical_confirmations_run_at_once_write_once(
    post_in_parallel, teacher, moodle_course, english_csv, small_threshold
):
    """With the job run inside the request that makes it, the confirmations that come after it
    are refused (the cells' versions moved, the staged file is gone): one write still."""
    data, session = _confirmation(teacher, moodle_course, english_csv)
    group, module = moodle_course["group"], moodle_course["module"]
    path = reverse("lms:gradebook_import_confirm", args=[group.pk, module.pk])
    responses = post_in_parallel(teacher, path, data, session=session)
    assert {status for status, _ in responses} <= {302, 422}
    assert Job.objects.filter(status=Job.Status.DONE).count() == 1
    assert _values() == ENTERED
    assert AuditEvent.objects.filter(action=audit.Action.GRADES_IMPORTED).count() == 1
    assert GradeChange.objects.count() == 5
    assert list(audit.verify_chain()) == []
