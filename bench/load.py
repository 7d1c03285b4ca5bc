"""Load benchmark: two app servers behind nginx, 50 teachers entering grades and 200 learners.

Run from the repository root (PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 running,
Debian's `nginx` installed):

    .venv/bin/python bench/load.py [--duration 120] [--database zachetka_bench_load]

It sets up on this machine what the README's «Two or more app servers» section describes:

- a fresh PostgreSQL database (dropped and created; dropped again at the end unless --keep),
  migrated, with 50 teachers, each teaching their own group (4 learners, one module, 5
  assessments held today) and 200 learners with cabinet logins, bulk-inserted;
- a dedicated Redis database (--redis-db, flushed before and after) for the cache and the jobs
  queue;
- gunicorn twice (two workers each, its own port) with the production settings (config.settings,
  DEBUG off, ZACHETKA_APP_SERVERS=2), static files collected into a temporary folder;
- nginx in front of both (a config written to a temporary folder, run in the foreground as a
  child with its own pid file, logs and temp paths there; it tells Django the request came over
  HTTPS, as the README's TLS-terminating nginx does).

Then a bounded asyncio client (aiohttp; at most --connections requests in flight) logs every
simulated person in through the log-in form and opens each kind of page a few times (a warm-up,
not measured: a worker's first PDF loads fonts for seconds; a log-in deliberately
costs a third of a second of CPU for password hashing, and 250 of them in one burst are not
what the last day of grade entry looks like; their timings are printed as login_p50_ms and
login_p95_ms), and for --duration seconds drives:

- 50 teachers: open their grid, then save a grade in their own group every 3 s (think time)
  through the JSON endpoint the grid uses (gradebook:cell_save, CSRF header, the cell's
  version), re-opening the grid every 20 saves;
- 200 learners: every 20 s, open their cabinet or, every other time, their card's PDF.

It prints one `name=value` line per figure: requests, rps, p50_ms, p95_ms, p99_ms, errors (any
answer other than the expected one, or no answer within 30 s), the same percentiles per kind of
request, then checks the database: every save a client was told succeeded is in the cell's
history with that value at that version, and each cell holds the last value confirmed for it;
a save confirmed but missing or different counts in `lost_writes=`; `audit_chain=ok` if the
keyed audit chain verifies (core.audit.verify_chain). Target here: p95_ms < 200, errors=0,
lost_writes=0; the exit status is 1 if any is missed.

Everything it started (nginx, both gunicorns, the database, the Redis database's keys) is stopped
or removed when it ends, also on Ctrl-C or SIGTERM: each child runs in its own process group,
which is terminated (then killed after 10 s) from a `finally`.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
NGINX = "/usr/sbin/nginx"
PASSWORD = "zachetka-load-1"  # noqa: S105 - the benchmark's throwaway accounts
TARGET_P95_MS = 200.0
REQUEST_TIMEOUT_S = 30
LEARNERS_PER_GROUP = 4
ASSESSMENTS_PER_GROUP = 5
TEACHER_THINK_S = 3.0
LEARNER_THINK_S = 20.0
GRID_EVERY_SAVES = 20


def main() -> int:
    args = parse_args()
    if not Path(NGINX).exists():
        print(f"nginx is not installed ({NGINX}): apt-get install nginx", file=sys.stderr)
        return 2
    # SIGTERM and SIGHUP end the run like Ctrl-C does, through the `finally` below.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    folder = Path(tempfile.mkdtemp(prefix="zachetka-load-"))
    children = Children()
    database_created = False
    redis_url = f"{args.redis.rstrip('/')}/{args.redis_db}"
    try:
        env = server_environment(args, folder, redis_url)
        create_database(args)
        database_created = True
        flush_redis(redis_url)
        print(f"database {args.database}: migrating and loading data …", flush=True)
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        os.environ.update(env)
        sys.path.insert(0, str(REPO_ROOT))
        import django

        django.setup()
        people = load_data(args.teachers, args.learners)
        close_connections()

        app_ports = [free_port(), free_port()]
        for n, port in enumerate(app_ports, start=1):
            children.start(
                f"gunicorn{n}",
                [
                    GUNICORN,
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(args.workers),
                    "--graceful-timeout",
                    "5",
                    "--timeout",
                    "60",
                ],
                env,
                folder / f"gunicorn{n}.log",
            )
        nginx_port = free_port()
        write_nginx_config(folder, nginx_port, app_ports)
        children.start(
            "nginx",
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")],
            os.environ.copy(),
            folder / "nginx.out",
        )
        base = f"http://127.0.0.1:{nginx_port}"
        for port in [*app_ports, nginx_port]:
            wait_for_port(port, children)
        print(f"nginx at {base} → gunicorn on {app_ports[0]} and {app_ports[1]}; running …", flush=True)

        run = asyncio.run(drive(args, base, people))
        close_connections()
        figures = report(run, args.duration)
        checks = check_database(run)
        figures |= checks
        for name, value in figures.items():
            print(f"{name}={value}")
        met = (
            figures["p95_ms"] < TARGET_P95_MS
            and figures["errors"] == 0
            and figures["lost_writes"] == 0
            and figures["audit_chain"] == "ok"
        )
        if run.errors_seen:
            print("first errors:", *run.errors_seen[:5], sep="\n  ", file=sys.stderr)
        return 0 if met else 1
    except KeyboardInterrupt:
        print("interrupted: stopping everything started", file=sys.stderr)
        return 130
    finally:
        children.stop_all()
        close_connections()
        with _quietly():
            flush_redis(redis_url)
        if database_created and not args.keep:
            with _quietly():
                drop_database(args)
        if args.keep:
            print(f"kept: database {args.database}, logs in {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--duration", type=float, default=120.0, help="measured seconds (default 120)")
    parser.add_argument("--teachers", type=int, default=50)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument("--connections", type=int, default=64, help="requests in flight at most")
    parser.add_argument("--login-concurrency", type=int, default=4)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="zachetka_bench_load", help="dropped and created")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, default=13, help="flushed before and after")
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.database):
        parser.error("--database: lower-case letters, digits and _ only")
    if args.learners % LEARNERS_PER_GROUP or args.learners // LEARNERS_PER_GROUP != args.teachers:
        parser.error(f"--learners must be {LEARNERS_PER_GROUP} × --teachers (each teacher's group)")
    return args


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class _quietly:
    """Clean-up steps go on after one of them fails."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, error: BaseException | None, trace: object) -> bool:
        if error is not None and not isinstance(error, KeyboardInterrupt):
            print(f"clean-up: {error}", file=sys.stderr)
        return True


# --- Processes -------------------------------------------------------------------------------


class Children:
    """The processes this run started, each in its own process group."""

    def __init__(self) -> None:
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        with open(log, "ab") as output:
            process = subprocess.Popen(  # noqa: S603 - fixed programs, arguments built here
                argv, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.started.append((name, process))

    def check_alive(self) -> None:
        for name, process in self.started:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with status {process.returncode}")

    def stop_all(self) -> None:
        for _, process in reversed(self.started):
            if process.poll() is None:
                with _quietly():
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for _, process in reversed(self.started):
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                with _quietly():
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.started.clear()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, children: Children, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children.check_alive()
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f} s")


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run([PYTHON, "manage.py", *command], cwd=REPO_ROOT, env=env, check=True)  # noqa: S603


def server_environment(args: argparse.Namespace, folder: Path, redis_url: str) -> dict[str, str]:
    """Production settings as each app server gets them (README «Two or more app servers»)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "ZACHETKA_"))}
    env.pop("DATABASE_URL", None)
    return env | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DATABASE_URL": f"{args.postgres.rstrip('/')}/{args.database}",
        "ZACHETKA_AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
        "ZACHETKA_APP_SERVERS": "2",
        "ZACHETKA_CACHE": "redis",
        "ZACHETKA_CACHE_URL": redis_url,
        "ZACHETKA_JOBS_QUEUE": "redis",
        "ZACHETKA_REDIS_URL": redis_url,
        "ZACHETKA_IMPORT_STAGING_DIR": str(folder / "imports"),
        "ZACHETKA_TRUSTED_PROXIES": "127.0.0.1",
        "ZACHETKA_PUBLIC_URL": "https://127.0.0.1",
        "DJANGO_LOG_LEVEL": "ERROR",
    }


def write_nginx_config(folder: Path, port: int, app_ports: list[int]) -> None:
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in app_ports)
    (folder / "nginx.conf").write_text(
        f"""daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream zachetka {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 25m;
        gzip on;
        gzip_comp_level 6;
        gzip_min_length 1024;
        gzip_types application/json text/css application/javascript text/javascript;
        gzip_proxied any;
        location / {{
            proxy_pass http://zachetka;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            # As behind the README's nginx, which terminates TLS: Django sees HTTPS.
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header X-Forwarded-For $remote_addr;
        }}
    }}
}}
"""
    )


# --- Database and Redis ----------------------------------------------------------------------


def _maintenance(args: argparse.Namespace) -> Any:  # noqa: ANN401 - a psycopg connection
    import psycopg

    return psycopg.connect(f"{args.postgres.rstrip('/')}/postgres", autocommit=True)


def create_database(args: argparse.Namespace) -> None:
    with _maintenance(args) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{args.database}"')


def drop_database(args: argparse.Namespace) -> None:
    with _maintenance(args) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def close_connections() -> None:
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()


@dataclass
class Person:
    username: str
    urls: list[str]  # teacher: the grid; learner: cabinet, card PDF
    cells: list[tuple[int, int]] = field(default_factory=list)  # teacher: (assessment, enrollment)


def load_data(teachers: int, learners: int) -> dict[str, list[Person]]:
    """Teachers with their own group, module and assessments, learners with cabinet logins."""
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group as Role
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from zachetka.core import roles, snils
    from zachetka.gradebook.models import Assessment, GradingScale
    from zachetka.people.models import Learner
    from zachetka.programs.models import Enrollment, Group, Module, Program, TeachingAssignment

    today = timezone.localdate()
    password = make_password(PASSWORD)  # hashed once: every account has the same password
    with transaction.atomic():
        teacher_users = User.objects.bulk_create(
            [
                User(
                    username=f"teacher{n:03d}",
                    password=password,
                    first_name="Ирина",
                    last_name=f"Преподаватель{n:03d}",
                )
                for n in range(teachers)
            ]
        )
        learner_users = User.objects.bulk_create(
            [
                User(
                    username=f"learner{n:03d}@example.ru",
                    email=f"learner{n:03d}@example.ru",
                    password=password,
                    first_name="Анна Сергеевна",
                    last_name=f"Слушатель{n:03d}",
                )
                for n in range(learners)
            ]
        )
        membership = User.groups.through
        teacher_role, learner_role = (
            Role.objects.get(name=roles.TEACHER),
            Role.objects.get(name=roles.LEARNER),
        )
        membership.objects.bulk_create(
            [membership(user_id=u.pk, group_id=teacher_role.pk) for u in teacher_users]
            + [membership(user_id=u.pk, group_id=learner_role.pk) for u in learner_users]
        )
        program = Program.objects.create(
            title="Цифровые инструменты педагога", kind=Program.Kind.QUALIFICATION_UPGRADE, hours=72
        )
        module = Module.objects.create(program=program, order=1, title="Практикум", hours=72)
        groups = Group.objects.bulk_create(
            [
                Group(
                    code=f"ПК-НАГР-{n:03d}",
                    program=program,
                    starts_on=today - dt.timedelta(days=30),
                    ends_on=today + dt.timedelta(days=60),
                )
                for n in range(teachers)
            ]
        )
        TeachingAssignment.objects.bulk_create(
            [
                TeachingAssignment(group=g, module=module, teacher=t)
                for g, t in zip(groups, teacher_users, strict=True)
            ]
        )
        people = []
        for n, user in enumerate(learner_users):
            learner = Learner(
                last_name=f"Слушатель{n:03d}",
                first_name="Анна",
                middle_name="Сергеевна",
                birth_date=dt.date(1990, 1, 1) + dt.timedelta(days=n),
                sex=Learner.Sex.FEMALE,
                snils=snils.with_checksum(f"{200_000_000 + n * 7919:09d}"),
                email=user.email,
                user=user,
            )
            learner.refresh_search_key()
            people.append(learner)
        Learner.objects.bulk_create(people)
        enrollments = Enrollment.objects.bulk_create(
            [Enrollment(learner=p, group=groups[n // LEARNERS_PER_GROUP]) for n, p in enumerate(people)]
        )
        five = GradingScale.objects.get(kind=GradingScale.Kind.FIVE_POINT)
        assessments = Assessment.objects.bulk_create(
            [
                Assessment(
                    group=g,
                    module=module,
                    held_on=today,
                    due_on=today + dt.timedelta(days=3),
                    title=f"Работа {i + 1}",
                    scale=five,
                    created_by=t,
                )
                for g, t in zip(groups, teacher_users, strict=True)
                for i in range(ASSESSMENTS_PER_GROUP)
            ]
        )
    by_group = defaultdict(list)
    for enrollment in enrollments:
        by_group[enrollment.group_id].append(enrollment.pk)
    columns = defaultdict(list)
    for assessment in assessments:
        columns[assessment.group_id].append(assessment.pk)
    return {
        "teachers": [
            Person(
                user.username,
                [reverse("gradebook:grid", args=[group.pk, module.pk])],
                [(a, e) for a in columns[group.pk] for e in by_group[group.pk]],
            )
            for group, user in zip(groups, teacher_users, strict=True)
        ],
        "learners": [
            Person(user.username, [reverse("cabinet:cabinet"), reverse("cards:card_pdf", args=[e.pk])])
            for user, e in zip(learner_users, enrollments, strict=True)
        ],
        "save_url": [reverse("gradebook:cell_save")],
    }


# --- The client ------------------------------------------------------------------------------


@dataclass
class Run:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    logins: list[float] = field(default_factory=list)
    errors: int = 0
    errors_seen: list[str] = field(default_factory=list)
    # (assessment, enrollment) → [(version, value)] of every save the server confirmed
    confirmed: dict[tuple[int, int], list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    measured_from: float = 0.0
    measured_until: float = 0.0


class Client:
    """One simulated person: their own cookies, the shared bounded connection pool."""

    def __init__(self, base: str, connector: Any, run: Run) -> None:  # noqa: ANN401
        import aiohttp

        self.base, self.run = base, run
        # Django's cookies are Secure (it sees HTTPS through nginx); this client talks plain
        # HTTP to nginx on loopback, as nginx talks to the app servers.
        jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[base])
        self.http = aiohttp.ClientSession(
            base,
            connector=connector,
            connector_owner=False,
            cookie_jar=jar,
            timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S),
            headers={"Origin": base.replace("http://", "https://")},
        )

    async def close(self) -> None:
        await self.http.close()

    def csrf(self) -> str:
        return next((c.value for c in self.http.cookie_jar if c.key == "csrftoken"), "")

    async def log_in(self, username: str) -> None:
        started = time.perf_counter()
        async with self.http.get("/login/") as response:
            page = await response.text()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        data = {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
        async with self.http.post("/login/", data=data, allow_redirects=False) as response:
            await response.read()
            if response.status != 302 or "/login/" in response.headers.get("Location", "/login/"):
                raise RuntimeError(f"log-in of {username} failed: HTTP {response.status}")
        self.run.logins.append((time.perf_counter() - started) * 1000)

    async def request(self, kind: str, method: str, url: str, **kwargs: Any) -> tuple[int, Any]:  # noqa: ANN401
        started, begun = time.perf_counter(), time.monotonic()
        try:
            async with self.http.request(method, url, allow_redirects=False, **kwargs) as response:
                body = await response.read()
                status = response.status
            if kind == "save":
                with contextlib.suppress(ValueError):
                    body = json.loads(body)
        except Exception as error:  # noqa: BLE001 - a timeout or a broken connection is an error
            status, body = 0, repr(error)
        elapsed = (time.perf_counter() - started) * 1000
        # Counted by when it was sent: a slow answer arriving after the end still counts.
        if self.run.measured_from <= begun < self.run.measured_until:
            self.run.timings[kind].append(elapsed)
            if status != 200:
                self.run.errors += 1
                self.run.errors_seen.append(f"{kind} {url}: HTTP {status} {str(body)[:200]}")
        return status, body


async def teacher(client: Client, person: Person, save_url: str, until: float) -> None:
    versions = dict.fromkeys(person.cells, 0)
    values = dict.fromkeys(person.cells, "")
    await asyncio.sleep(random.uniform(0, TEACHER_THINK_S))  # noqa: S311 - spreading start times
    await client.request("grid", "GET", person.urls[0])
    saves = 0
    while time.monotonic() < until:
        cell = person.cells[saves % len(person.cells)]
        value = random.choice([v for v in "2345" if v != values[cell]])  # noqa: S311 - a real change
        status, body = await client.request(
            "save",
            "POST",
            save_url,
            json={"assessment": cell[0], "enrollment": cell[1], "value": value, "version": versions[cell]},
            headers={"X-CSRFToken": client.csrf(), "Referer": client.base + person.urls[0]},
        )
        if status == 200:
            versions[cell], values[cell] = body["version"], body["value"]
            client.run.confirmed[cell].append((body["version"], body["value"]))
        elif status == 409 and isinstance(body, dict):
            versions[cell], values[cell] = body["cell"]["version"], body["cell"]["value"]
        saves += 1
        if saves % GRID_EVERY_SAVES == 0:
            await client.request("grid", "GET", person.urls[0])
        await asyncio.sleep(TEACHER_THINK_S)


async def learner(client: Client, person: Person, until: float) -> None:
    await asyncio.sleep(random.uniform(0, LEARNER_THINK_S))  # noqa: S311 - spreading start times
    visits = 0
    while time.monotonic() < until:
        if visits % 2 == 0:
            await client.request("cabinet", "GET", person.urls[0])
        else:
            await client.request("pdf", "GET", person.urls[1])
        visits += 1
        await asyncio.sleep(LEARNER_THINK_S)


async def drive(args: argparse.Namespace, base: str, people: dict[str, list[Person]]) -> Run:
    import aiohttp

    run = Run()
    connector = aiohttp.TCPConnector(limit=args.connections)
    teachers = [(Client(base, connector, run), p) for p in people["teachers"]]
    learners = [(Client(base, connector, run), p) for p in people["learners"]]
    try:
        gate = asyncio.Semaphore(args.login_concurrency)

        async def log_in(client: Client, person: Person) -> None:
            async with gate:
                await client.log_in(person.username)

        started = time.monotonic()
        await asyncio.gather(*(log_in(c, p) for c, p in teachers + learners))
        # Each page once per worker, or so, before measuring: a worker's first PDF loads fonts
        # for seconds, a cost a long-running server pays once, not per request.
        warm = 2 * 2 * args.workers
        await asyncio.gather(
            *(c.request("grid", "GET", p.urls[0]) for c, p in teachers[:warm]),
            *(c.request("cabinet", "GET", p.urls[0]) for c, p in learners[:warm]),
            *(c.request("pdf", "GET", p.urls[1]) for c, p in learners[:warm]),
        )
        print(
            f"{len(run.logins)} log-ins and a warm-up in {time.monotonic() - started:.1f} s; measuring …",
            flush=True,
        )
        run.measured_from = time.monotonic()
        run.measured_until = run.measured_from + args.duration
        save_url = people["save_url"][0]
        await asyncio.gather(
            *(teacher(c, p, save_url, run.measured_until) for c, p in teachers),
            *(learner(c, p, run.measured_until) for c, p in learners),
        )
    finally:
        for client, _ in teachers + learners:
            await client.close()
        await connector.close()
    return run


# --- Figures and checks ----------------------------------------------------------------------


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        only = values[0] if values else 0.0
        return only, only, only
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def report(run: Run, duration: float) -> dict[str, Any]:
    every = [ms for values in run.timings.values() for ms in values]
    p50, p95, p99 = percentiles(every)
    figures: dict[str, Any] = {
        "requests": len(every),
        "rps": round(len(every) / duration, 1),
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "p99_ms": round(p99, 1),
        "errors": run.errors,
    }
    for kind in ("grid", "save", "cabinet", "pdf"):
        k50, k95, _ = percentiles(run.timings.get(kind, []))
        figures |= {
            f"{kind}_requests": len(run.timings.get(kind, [])),
            f"{kind}_p50_ms": round(k50, 1),
            f"{kind}_p95_ms": round(k95, 1),
        }
    l50, l95, _ = percentiles(run.logins)
    figures |= {"logins": len(run.logins), "login_p50_ms": round(l50, 1), "login_p95_ms": round(l95, 1)}
    return figures


def check_database(run: Run) -> dict[str, Any]:
    """Every confirmed save in the cell's history at its version; each cell at its last value."""
    from zachetka.core import audit
    from zachetka.gradebook.models import Grade, GradeChange

    grades = {(g.assessment_id, g.enrollment_id): g for g in Grade.objects.all()}
    history = defaultdict(list)
    for change in GradeChange.objects.order_by("pk"):
        history[change.grade_id].append(change.new_value)
    lost = 0
    for cell, saves in run.confirmed.items():
        grade = grades.get(cell)
        if grade is None:
            lost += len(saves)
            continue
        changes = history[grade.pk]
        lost += sum(1 for version, value in saves if version > len(changes) or changes[version - 1] != value)
        # A later save may have been written without its answer arriving (an error): then the
        # cell is newer than the last confirmed save, which the history check above covers.
        last_version, last_value = saves[-1]
        if grade.version < last_version or (grade.version == last_version and grade.value != last_value):
            lost += 1
    problems = list(audit.verify_chain())
    return {
        "confirmed_saves": sum(len(s) for s in run.confirmed.values()),
        "lost_writes": lost,
        "audit_chain": "ok" if not problems else f"broken:{problems[0].message}",
    }


if __name__ == "__main__":
    sys.exit(main())
