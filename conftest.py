"""Personas and factories shared by the whole suite (no JSON fixtures)."""

import datetime as dt
import itertools
import os
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group as RoleGroup
from django.contrib.auth.models import User

from zachetka.attestation import services as attestation_services
from zachetka.core import roles, snils
from zachetka.gradebook import services as gradebook_services
from zachetka.gradebook.models import Assessment, GradingScale
from zachetka.people.models import Learner
from zachetka.programs.models import Enrollment, Group, Module, Program, TeachingAssignment

_counter = itertools.count(1)


def _snils_from(n: int) -> str:
    return snils.with_checksum(f"{100_000_000 + n * 7919:09d}")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # Real hashing costs ~0.3 s a user; tests check access rules, not the hash's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_at_once() -> None:
    # `make test` needs no queue consumer: a job runs inside the request that starts it.
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # The tests' cache is the process's own (locmem): what one test kept (a card's PDF, a rate
    # limit's count) must not reach the next, whose rows may have the same ids.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _staging_in_tmp(settings, tmp_path) -> None:
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def make(username: str | None = None, *, role: str | None = None, **fields: object) -> User:
        n = next(_counter)
        user = User.objects.create_user(
            username=username or f"user{n}",
            password="pass-for-tests-1",
            first_name=fields.pop("first_name", "Тест"),
            last_name=fields.pop("last_name", f"Пользователь{n}"),
            **fields,
        )
        if role:
            user.groups.add(RoleGroup.objects.get(name=role))
        return user

    return make


@pytest.fixture
def director(make_user) -> User:
    return make_user("director", role=roles.ADMINISTRATION, first_name="Ольга", last_name="Директорова")


@pytest.fixture
def registrar(make_user) -> User:
    return make_user("registrar", role=roles.STAFF, first_name="Марина", last_name="Учётова")


@pytest.fixture
def curator(make_user) -> User:
    return make_user("curator", role=roles.CURATOR, first_name="Павел", last_name="Кураторов")


@pytest.fixture
def teacher(make_user) -> User:
    return make_user("teacher", role=roles.TEACHER, first_name="Ирина", last_name="Преподавательская")


@pytest.fixture
def learner_user(make_user) -> User:
    return make_user("learner", role=roles.LEARNER, first_name="Анна", last_name="Смирнова")


@pytest.fixture
def make_learner(db) -> Callable[..., Learner]:
    def make(**fields: object) -> Learner:
        n = next(_counter)
        values = {
            "last_name": "Иванов",
            "first_name": "Иван",
            "middle_name": "Иванович",
            # Within 1990–2003 however many learners the session has made: a date that drifts
            # with the counter would reach a test's «today» in a long run.
            "birth_date": dt.date(1990, 1, 1) + dt.timedelta(days=n % 5000),
            "sex": Learner.Sex.MALE,
            "snils": _snils_from(n),
        }
        values.update(fields)
        learner = Learner(**values)
        learner.refresh_search_key()
        learner.save()
        return learner

    return make


@pytest.fixture
def make_program(db) -> Callable[..., Program]:
    def make(**fields: object) -> Program:
        values = {
            "title": "Цифровые инструменты педагога",
            "kind": Program.Kind.QUALIFICATION_UPGRADE,
            "hours": 72,
        }
        values.update(fields)
        program = Program.objects.create(**values)
        Module.objects.create(program=program, order=1, title="Введение", hours=36)
        Module.objects.create(program=program, order=2, title="Практикум", hours=36)
        return program

    return make


@pytest.fixture
def make_group(db, make_program) -> Callable[..., Group]:
    def make(**fields: object) -> Group:
        n = next(_counter)
        values = {
            "code": f"ПК-2026-{n:02d}",
            "starts_on": dt.date(2026, 9, 1),
            "ends_on": dt.date(2026, 12, 20),
        }
        values.update(fields)
        if "program" not in values:
            values["program"] = make_program()
        return Group.objects.create(**values)

    return make


@pytest.fixture
def make_enrollment(db) -> Callable[..., Enrollment]:
    def make(learner: Learner, group: Group, **fields: object) -> Enrollment:
        return Enrollment.objects.create(learner=learner, group=group, **fields)

    return make


@pytest.fixture
def world(
    director, registrar, curator, teacher, learner_user, make_group, make_learner, make_enrollment, make_user
):
    """A small organisation: two groups, one curated and taught by the personas, one foreign.

    `mine` is curated by `curator` and taught by `teacher`; `other` belongs to other staff.
    The `learner` persona is enrolled in `mine`.
    """
    mine = make_group(curator=curator)
    other_curator = make_user("curator_other", role=roles.CURATOR)
    other_teacher = make_user("teacher_other", role=roles.TEACHER)
    other = make_group(curator=other_curator)
    TeachingAssignment.objects.create(group=mine, module=mine.program.modules.first(), teacher=teacher)
    TeachingAssignment.objects.create(
        group=other, module=other.program.modules.first(), teacher=other_teacher
    )
    own = make_learner(
        last_name="Смирнова", first_name="Анна", middle_name="Сергеевна", sex="F", user=learner_user
    )
    classmate = make_learner(last_name="Петров", first_name="Пётр", middle_name="Петрович")
    stranger = make_learner(last_name="Сидорова", first_name="Мария", middle_name="", sex="F")
    enrollments = {
        "own": make_enrollment(own, mine),
        "classmate": make_enrollment(classmate, mine),
        "stranger": make_enrollment(stranger, other),
    }
    five_point = GradingScale.objects.get(kind=GradingScale.Kind.FIVE_POINT)
    assessments = {
        key: Assessment.objects.create(
            group=group,
            module=group.program.modules.first(),
            held_on=dt.date(2026, 9, 10),
            title="Тест 1",
            scale=five_point,
            due_on=dt.date(2026, 9, 13),
            created_by=director,
        )
        for key, group in (("mine", mine), ("other", other))
    }
    return {
        "assessments": assessments,
        "mine": mine,
        "other": other,
        "own": own,
        "classmate": classmate,
        "stranger": stranger,
        "enrollments": enrollments,
        "other_teacher": other_teacher,
        "other_curator": other_curator,
    }


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser():
    """Debian's headless Chromium driven by Playwright; skipped when the package is missing."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            "Браузерный тест пропущен: установите Chromium (apt-get install chromium chromium-driver)."
        )
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself
    # are still synchronous, so Django's async-safety guard is lifted for browser tests only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            # Playwright gives every launch a fresh, empty profile directory of its own.
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
        )
        try:
            yield launched
        finally:
            launched.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def queue_consumer(tmp_path):
    """A real Huey consumer on a SQLite queue file, as `make demo` runs it (threads of this
    process, not processes), for browser tests that watch a job run; jobs run at once again after."""
    import signal

    from huey.contrib.djhuey import HUEY
    from huey.storage import SqliteStorage

    saved_storage, saved_handlers = HUEY.storage, {s: signal.getsignal(s) for s in (2, 15, 1)}
    HUEY.immediate = False
    HUEY.storage = SqliteStorage(name="zachetka-browser", filename=str(tmp_path / "queue.sqlite3"))
    running = HUEY.create_consumer(workers=1, worker_type="thread", periodic=False, check_worker_health=False)
    running.start()
    try:
        yield running
    finally:
        running.stop(graceful=True)
        HUEY.storage = saved_storage
        HUEY.immediate = True
        for number, handler in saved_handlers.items():
            signal.signal(number, handler)


@pytest.fixture
def log_in(live_server):
    """Log a page in through the real log-in form."""

    def go(page, username: str, password: str = "pass-for-tests-1") -> None:  # noqa: S107 - test persona
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")

    return go


@pytest.fixture
def pdf_text():
    """The text of a PDF via poppler's pdftotext; skipped with what to install when missing."""
    import shutil
    import subprocess

    try:
        import weasyprint  # noqa: F401 - needs Pango at import time
    except OSError:
        pytest.skip("PDF-тест пропущен: установите Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0).")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("PDF-тест пропущен: установите poppler-utils (apt-get install poppler-utils).")

    def extract(content: bytes, *, pages: bool = False, layout: bool = False) -> str | list[str]:
        """The PDF's words in reading order, whitespace collapsed (table cells wrap lines); with
        `pages`, a list of each page's words; with `layout`, line by line as laid out (a table's
        row reads across its cells)."""
        done = subprocess.run(  # noqa: S603 - a fixed program reading the PDF on stdin
            [pdftotext, *(["-layout"] if layout else []), "-", "-"],
            input=content,
            capture_output=True,
            check=True,
        )
        text = done.stdout.decode("utf-8")
        if pages:
            return [" ".join(page.split()) for page in text.split("\f")[:-1]]
        return " ".join(text.split())

    return extract


@pytest.fixture
def job_file():
    """Start a job as a person does (a POST to the page's form) and download its file: the
    file's response, read whole (jobs run at once in tests)."""
    from django.http import HttpResponse
    from django.urls import resolve, reverse

    from zachetka.jobs.models import Job

    def fetch(client, url: str, data: dict | None = None):  # noqa: ANN001, ANN202
        started = client.post(url, data or {})
        assert started.status_code == 302, started.status_code
        match = resolve(started["Location"])
        assert match.view_name == "jobs:job_detail", started["Location"]
        job = Job.objects.get(pk=match.kwargs["pk"])
        assert job.status == Job.Status.DONE, job.error
        response = client.get(reverse("jobs:file", args=[job.pk]))
        assert response.status_code == 200
        return HttpResponse(b"".join(response.streaming_content), headers=dict(response.items()))

    return fetch


@pytest.fixture
def course(world, teacher, director, make_user, make_learner, make_enrollment):
    """The teacher's group with a credit module (taught by `teacher`) and a second module, a
    commission, and three learners: Смирнова and Петров from the world, plus Алексеев."""
    group = world["mine"]
    credit_module = TeachingAssignment.objects.get(group=group, teacher=teacher).module
    credit_module.attestation_form = Module.AttestationForm.CREDIT
    credit_module.save()
    exam_module = group.program.modules.exclude(pk=credit_module.pk).get()
    exam_module.attestation_form = Module.AttestationForm.EXAM
    exam_module.save()
    TeachingAssignment.objects.create(group=group, module=exam_module, teacher=teacher)
    third = make_enrollment(make_learner(last_name="Алексеев", first_name="Алексей", middle_name=""), group)
    chair = make_user("chair", role=roles.ADMINISTRATION, first_name="Председатель", last_name="Иванова")
    secretary = make_user("secretary", role=roles.STAFF, first_name="Секретарь", last_name="Петрова")
    commission = attestation_services.create_commission(
        by=director,
        title="Аттестационная комиссия",
        order_number="15-о",
        order_date=dt.date(2026, 9, 1),
        chair=chair,
        secretary=secretary,
        members=[teacher],
        program=group.program,
    )
    return {
        "group": group,
        "credit": credit_module,
        "exam": exam_module,
        "commission": commission,
        "chair": chair,
        "secretary": secretary,
        "own": world["enrollments"]["own"],
        "classmate": world["enrollments"]["classmate"],
        "third": third,
        "five": GradingScale.objects.get(kind="five_point"),
        "gradebook_lock": gradebook_services.is_locked,
    }


@pytest.fixture
def pass_all_modules(course, teacher):
    """Sign an intermediate statement for every module: all pass, except `failing` if given."""

    def sign(failing=None):  # noqa: ANN001, ANN202
        for module, passing, failed in (("credit", "зачтено", "не зачтено"), ("exam", "4", "2")):
            statement = attestation_services.create_intermediate_statement(
                by=teacher, group=course["group"], module=course[module], held_on=dt.date(2026, 11, 20)
            )
            for result in statement.results.select_related("enrollment"):
                text = failed if result.enrollment == failing else passing
                attestation_services.set_result(
                    by=teacher, protocol=statement, enrollment=result.enrollment, text=text
                )
            attestation_services.sign_protocol(by=teacher, protocol=statement)

    return sign


@pytest.fixture
def draw_up_final(course, director):
    """Draw up the course's final protocol (an exam on the five-point scale, 25.11.2026) for the
    learners admitted to it."""

    def draw_up():  # noqa: ANN202
        return attestation_services.create_final_protocol(
            by=director,
            group=course["group"],
            held_on=dt.date(2026, 11, 25),
            form="exam",
            commission=course["commission"],
            scale=course["five"],
        )

    return draw_up


@pytest.fixture
def finish_final(course, director):
    """Enter Смирнова 5 and Петров 4 in a final protocol; its chair and secretary, present (a
    quorum of the three), sign it."""

    def finish(protocol):  # noqa: ANN001, ANN202
        for enrollment, text in ((course["own"], "5"), (course["classmate"], "4")):
            attestation_services.set_result(by=director, protocol=protocol, enrollment=enrollment, text=text)
        attestation_services.set_attendance(
            by=director, protocol=protocol, present=[course["chair"].pk, course["secretary"].pk]
        )
        attestation_services.sign_protocol(by=course["chair"], protocol=protocol)
        return attestation_services.sign_protocol(by=course["secretary"], protocol=protocol)

    return finish


# Blanks the tests print certificates on: (series, first, last) of удостоверение blanks.
BLANK_STOCK = (("", "000001", "000800"), ("ПК", "000100", "000299"), ("ПК", "1", "9"))


@pytest.fixture
def blank_stock(director):
    """Удостоверение blanks received into the register, for every test that issues documents:
    without series 000001–000800, series ПК 000100–000299 and 1–9."""
    from zachetka.blanks import services as blank_services

    return [
        blank_services.receive_range(
            by=director,
            form="pk",
            series=series,
            first_number=first,
            last_number=last,
            received_on=dt.date(2026, 9, 1),
            supplier_document="Товарная накладная № 7 от 01.09.2026",
        )
        for series, first, last in BLANK_STOCK
    ]


@pytest.fixture
def graduated(course, pass_all_modules, draw_up_final, finish_final, blank_stock):
    """The course's final attestation done: Смирнова (5) and Петров (4) pass a signed final
    protocol; Алексеев failed a module and was not admitted. Blanks are in stock. Returns the
    protocol."""
    pass_all_modules(failing=course["third"])
    return finish_final(draw_up_final())


@pytest.fixture
def vocational_graduated(course, pass_all_modules, director, blank_stock):
    """The course taught as vocational training («Слесарь-ремонтник»): Смирнова (4 разряд) and
    Петров (3 разряд) pass the qualification exam; Алексеев, owing a module, was not admitted.
    Свидетельство blanks СВ 000501–000520 are in stock. Returns the signed protocol."""
    from zachetka.blanks import services as blank_services
    from zachetka.programs.models import Program as ProgramModel

    pass_all_modules(failing=course["third"])
    program = course["group"].program
    program.kind, program.qualification = ProgramModel.Kind.VOCATIONAL, "Слесарь-ремонтник"
    program.save()
    protocol = attestation_services.create_final_protocol(
        by=director,
        group=course["group"],
        held_on=dt.date(2026, 11, 25),
        form="qual_exam",  # Protocol.FinalForm.QUALIFICATION_EXAM
        commission=course["commission"],
        scale=course["five"],
    )
    for key, grade in (("own", "4 разряд"), ("classmate", "3 разряд")):
        attestation_services.set_result(
            by=director, protocol=protocol, enrollment=course[key], text="5", qualification_grade=grade
        )
    attestation_services.set_attendance(
        by=director, protocol=protocol, present=[course["chair"].pk, course["secretary"].pk]
    )
    attestation_services.sign_protocol(by=course["chair"], protocol=protocol)
    blank_services.receive_range(
        by=director,
        form="po",
        series="СВ",
        first_number="000501",
        last_number="000520",
        received_on=dt.date(2026, 9, 1),
        supplier_document="Товарная накладная № 8 от 01.09.2026",
    )
    return attestation_services.sign_protocol(by=course["secretary"], protocol=protocol)


def run_concurrently(work: Callable[[], object], threads: int = 4) -> tuple[list[object], list[Exception]]:
    """Start `work` in several threads at the same instant, each in its own transaction and
    database connection; return what they returned and what they raised."""
    import threading

    from django.db import connection, transaction

    barrier = threading.Barrier(threads)
    results: list[object] = []
    errors: list[Exception] = []

    def run() -> None:
        barrier.wait()
        try:
            with transaction.atomic():
                results.append(work())
        except Exception as error:  # noqa: BLE001 - handed to the test to assert on
            errors.append(error)
        finally:
            connection.close()

    started = [threading.Thread(target=run) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return results, errors


@pytest.fixture
def post_in_parallel(live_server):
    """POST one form many times at the same instant through the live test server, as a user
    logged in with a real session and CSRF token (holding `session`'s keys, e.g. a staged upload);
    return the responses' (status, Location)."""
    import threading
    import urllib.error
    import urllib.request
    from urllib.parse import urlencode

    from django.test import Client
    from django.utils.crypto import get_random_string

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(_NoRedirect)

    def post(
        user: User, path: str, data: dict, times: int = 10, session: dict | None = None
    ) -> list[tuple[int, str]]:
        client = Client()
        client.force_login(user)
        if session:
            stored = client.session
            stored.update(session)
            stored.save()
        token = get_random_string(32)
        headers = {
            "Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={token}",
            "X-CSRFToken": token,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        body = urlencode(data, doseq=True).encode()
        barrier = threading.Barrier(times)
        responses: list[tuple[int, str]] = []

        def send() -> None:
            request = urllib.request.Request(  # noqa: S310 - the local test server
                f"{live_server.url}{path}", data=body, headers=headers, method="POST"
            )
            barrier.wait()
            try:
                with opener.open(request, timeout=120) as response:
                    responses.append((response.status, ""))
            except urllib.error.HTTPError as answer:  # redirects and errors arrive here
                responses.append((answer.code, answer.headers.get("Location", "")))

        threads = [threading.Thread(target=send) for _ in range(times)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return responses

    return post
