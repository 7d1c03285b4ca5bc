"""A probe for personal data (152-ФЗ): crawl the whole site as each role and look for the
learners' personal fields the role must not see, in pages, PDFs, XLSX and ZIP files.

The crawl starts at the home page and follows every link within the site (GET only), and also
requests every GET URL of the authorization matrix for the world's objects, plus searches by
СНИЛС; files made by background jobs are started by a POST, as their pages' forms do, and read.
What each role must and must not see is written out here, on its own, not read from
`core.personal_fields`: the test checks the table, not itself.
"""

import datetime as dt
import html
import io
import re
import subprocess
import zipfile
from urllib.parse import parse_qs, quote_plus, urldefrag, urlsplit

import pytest
from django.urls import resolve, reverse

from zachetka.achievements.models import Achievement
from zachetka.core import personal_fields, snils
from zachetka.people.models import Learner
from zachetka.web.tests.test_authorization_matrix import MATRIX, _objects

CRAWL_LIMIT = 400
# Files made by background jobs, per group: (URL name, the form's fields).
GROUP_JOBS = (
    ("gradebook:group_export_job", {}),
    ("attestation:group_summary_print", {"format": "xlsx"}),
    ("attestation:group_summary_print", {"format": "pdf"}),
    ("documents:group_documents_print", {"format": "zip"}),
)
# List exports made by background jobs, of the whole list (no filter).
LIST_JOBS = (
    "web:learner_list_xlsx",
    "programs:enrollment_list_xlsx",
    "documents:registry_xlsx",
    "documents:registry_pdf",
    "attestation:debt_list_xlsx",
)
SKIPPED_PREFIXES = ("/static/", "/admin/", "/logout/", "/media/")

# The personal data the world's learners get, one value per learner and field kind.
PERSONAL = {
    "own": {
        "phone": "+7 912 301-45-67",
        "email": "anna.smirnova.probe@example.org",
        "diploma_series": "ВСА",
        "diploma_number": "0451237",
        "diploma_last_name": "Кузнецова",
        "education_level": "higher",
        "representative_name": "Законова Вера Ильинична",
        "representative_kind": "мать",
        "representative_phone": "+7 922 401-11-01",
        "representative_email": "vera.zakonova.probe@example.org",
    },
    "classmate": {
        "phone": "+7 912 302-45-68",
        "email": "petr.petrov.probe@example.org",
        "diploma_series": "ВСБ",
        "diploma_number": "0451238",
        "diploma_last_name": "Петров",
        "education_level": "spo",
        "representative_name": "Опекунов Илья Романович",
        "representative_kind": "опекун",
        "representative_phone": "+7 922 402-22-02",
        "representative_email": "ilya.opekunov.probe@example.org",
    },
    "stranger": {
        "phone": "+7 912 303-45-69",
        "email": "maria.sidorova.probe@example.org",
        "diploma_series": "ВСВ",
        "diploma_number": "0451239",
        "education_level": "higher",
        "representative_name": "Попечителев Олег Маркович",
        "representative_kind": "попечитель",
        "representative_phone": "+7 922 403-33-03",
        "representative_email": "oleg.popechitelev.probe@example.org",
    },
}

# Kinds of needles the probe looks for.
IDENTITY = frozenset({"snils", "birth_date"})
CONTACTS = frozenset({"phone", "email", "representative"})
PRIOR_EDUCATION = frozenset({"diploma"})
EVERYTHING = IDENTITY | CONTACTS | PRIOR_EDUCATION
LEARNERS = ("own", "classmate", "stranger")

# role -> learner -> kinds that must not appear anywhere the role can reach.
HIDDEN = {
    "director": {},
    "registrar": {},
    # The curator curates `mine` (own and classmate): names, results and contacts only.
    "curator": {
        "own": IDENTITY | PRIOR_EDUCATION,
        "classmate": IDENTITY | PRIOR_EDUCATION,
        "stranger": EVERYTHING,
    },
    # The teacher teaches `mine`: names and results only.
    "teacher": {learner: EVERYTHING for learner in LEARNERS},
    # The learner: all of their own, nothing of anyone else's.
    "learner": {"classmate": EVERYTHING, "stranger": EVERYTHING},
}
# role -> learner -> kinds that must appear somewhere (so the probe cannot pass by seeing nothing).
SHOWN = {
    "director": {"classmate": EVERYTHING, "stranger": EVERYTHING},
    "registrar": {"classmate": EVERYTHING, "stranger": EVERYTHING},
    "curator": {"classmate": CONTACTS},
    "teacher": {},
    "learner": {"own": IDENTITY | PRIOR_EDUCATION},
}
# Staff of a learner's group see their name on its pages (a crawl that reached nothing would not).
NAMED = {
    "director": ("classmate", "stranger"),
    "registrar": ("classmate", "stranger"),
    "curator": ("own", "classmate"),
    "teacher": ("own", "classmate"),
    "learner": ("own",),
}


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _needles(learner: Learner) -> dict[str, list[tuple[str, str]]]:
    """kind -> [(how, text)]: `text` looked for as written, `digits` in the text with separators
    between digits dropped (a number spaced or hyphenated another way is still found)."""
    birth = learner.birth_date
    return {
        "snils": [("digits", learner.snils), ("text", snils.format_snils(learner.snils))],
        "birth_date": [("text", birth.strftime("%d.%m.%Y")), ("text", birth.isoformat())],
        "phone": [("text", learner.phone), ("digits", _digits(learner.phone))],
        "email": [("text", learner.email.lower())],
        "representative": [
            ("text", learner.representative_name.lower()),
            ("text", learner.representative_email.lower()),
            ("digits", _digits(learner.representative_phone)),
        ],
        "diploma": [("text", learner.diploma_number)],
    }


def _found(needles: list[tuple[str, str]], text: str, digit_runs: str) -> str | None:
    for how, needle in needles:
        if needle and needle.lower() in (digit_runs if how == "digits" else text):
            return needle
    return None


@pytest.fixture
def probe_world(world):
    """The authorization matrix's world and objects, its learners given every personal field."""
    for key, fields in PERSONAL.items():
        Learner.objects.filter(pk=world[key].pk).update(**fields)
        world[key].refresh_from_db()
    objects = _objects(world)
    # The matrix dates its achievements by a birth date (any past date would do): not a leak.
    Achievement.objects.update(achieved_on=dt.date(2026, 10, 1))
    return world, objects


class Crawl:
    """GET every page reachable within the site as one client, collecting what each showed."""

    def __init__(self, client, pdf_text) -> None:  # noqa: ANN001 - test fixtures
        self.client = client
        self.pdf_text = pdf_text
        self.seen: set[str] = set()
        self.bodies: dict[str, str] = {}

    def visit(self, start: list[str]) -> None:
        queue = list(start)
        while queue:
            url = queue.pop(0)
            if url in self.seen:
                continue
            if len(self.seen) >= CRAWL_LIMIT:
                pytest.fail(f"Обход превысил {CRAWL_LIMIT} адресов: сузьте его или поднимите предел.")
            self.seen.add(url)
            response = self.client.get(url)
            if response.status_code in (301, 302):
                queue.extend(self._internal([response["Location"]]))
                continue
            if response.status_code != 200:
                continue
            text = self._text(response)
            self.bodies[url] = _without_own_query(url, text)
            if response["Content-Type"].startswith("text/html"):
                queue.extend(self._internal(re.findall(r'href="([^"]+)"', text)))

    def run_job(self, url: str, data: dict) -> None:
        """Start a job as its page's form does and read the file it made (if the role may)."""
        response = self.client.post(url, data)
        if response.status_code != 302:
            return
        match = resolve(urlsplit(response["Location"]).path)
        if match.view_name == "jobs:job_detail":
            self.visit([reverse("jobs:file", args=[match.kwargs["pk"]])])

    def _internal(self, hrefs: list[str]) -> list[str]:
        urls = []
        for href in hrefs:
            href = urldefrag(html.unescape(href))[0]
            parts = urlsplit(href)
            if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
                continue
            if not parts.path.startswith("/") or parts.path.startswith(SKIPPED_PREFIXES):
                continue
            urls.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        return urls

    def _text(self, response) -> str:  # noqa: ANN001 - a test client response
        content = b"".join(response.streaming_content) if response.streaming else response.content
        kind = response["Content-Type"]
        if "pdf" in kind:
            return self._pdf(content)
        if "spreadsheetml" in kind:
            return _xlsx_text(content)
        if "zip" in kind:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return "\n".join(
                    self._pdf(archive.read(name))
                    if name.endswith(".pdf")
                    else archive.read(name).decode("utf-8", "replace")
                    for name in archive.namelist()
                )
        return content.decode("utf-8", "replace")

    def _pdf(self, content: bytes) -> str:
        try:
            return self.pdf_text(content)
        except subprocess.CalledProcessError:
            # Not a PDF after all (a test upload of a few bytes): its bytes are what it shows.
            return content.decode("latin-1")


def _without_own_query(url: str, text: str) -> str:
    """A search page echoes what was searched for (in its field and links): the searcher typed
    it, so it is not shown to them by the site."""
    for values in parse_qs(urlsplit(url).query).values():
        for value in values:
            text = text.replace(html.escape(value), "").replace(quote_plus(value), "").replace(value, "")
    return text


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True)
    except zipfile.BadZipFile:
        # The matrix's ФИС ФРДО file is two bytes standing in for one: they are what it shows.
        return content.decode("latin-1")
    return "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def _start_urls(world: dict, objects: dict) -> list[str]:
    urls = ["/"]
    for (name, key), (method, _statuses) in MATRIX.items():
        if method != "get":
            continue
        target = objects[key] if key else None
        args = target if isinstance(target, list) else [target.pk] if target is not None else []
        urls.append(reverse(name, args=args))
    for learner in (world["classmate"], world["stranger"]):
        for query in (learner.snils, snils.format_snils(learner.snils), learner.snils[:6]):
            urls.append(f"{reverse('web:learner_list')}?q={query}")
            urls.append(f"{reverse('programs:enrollment_create', args=[world['other'].pk])}?q={query}")
    return urls


@pytest.fixture
def personas(director, registrar, curator, teacher, learner_user) -> dict:
    return {
        "director": director,
        "registrar": registrar,
        "curator": curator,
        "teacher": teacher,
        "learner": learner_user,
    }


@pytest.mark.parametrize("role", ["director", "registrar", "curator", "teacher", "learner"])
def test_each_role_sees_only_its_personal_fields(client, probe_world, personas, pdf_text, role) -> None:
    world, objects = probe_world
    client.force_login(personas[role])
    crawl = Crawl(client, pdf_text)
    crawl.visit(_start_urls(world, objects))
    for group in (world["mine"], world["other"]):
        for name, data in GROUP_JOBS:
            crawl.run_job(reverse(name, args=[group.pk]), data)
    for name in LIST_JOBS:
        crawl.run_job(reverse(name), {})
    job_files = [url for url in crawl.bodies if resolve(urlsplit(url).path).view_name == "jobs:file"]
    assert role == "learner" or job_files, f"{role}: ни один файл задания не прочитан"
    assert len(crawl.bodies) > 5, f"{role}: обход почти ничего не открыл ({sorted(crawl.bodies)})"

    leaks, shown = [], {key: set() for key in LEARNERS}
    needles = {key: _needles(world[key]) for key in LEARNERS}
    for url, body in crawl.bodies.items():
        text = " ".join(body.replace("\u00a0", " ").replace("\u202f", " ").split()).lower()
        digit_runs = re.sub(r"(?<=\d)[\s\-()+.–]+(?=\d)", "", text)
        for key in LEARNERS:
            for kind, kind_needles in needles[key].items():
                needle = _found(kind_needles, text, digit_runs)
                if needle is None:
                    continue
                shown[key].add(kind)
                if kind in HIDDEN[role].get(key, ()):
                    leaks.append(f"{url}: {kind} of {key} ({needle})")
    assert leaks == [], f"{role} видит лишнее:\n" + "\n".join(leaks)
    for key, kinds in SHOWN[role].items():
        assert kinds <= shown[key], f"{role} не увидел {sorted(kinds - shown[key])} у {key}"
    everything = "\n".join(crawl.bodies.values())
    for key in NAMED[role]:
        assert world[key].full_name in everything, f"{role}: нигде нет {world[key].full_name}"


@pytest.mark.parametrize(("role", "found"), [("registrar", True), ("curator", False), ("teacher", False)])
def test_search_by_snils_only_for_those_who_see_it(client, world, personas, role, found) -> None:
    """A teacher or curator must not confirm a СНИЛС by searching for it: they find nobody."""
    client.force_login(personas[role])
    classmate = world["classmate"]
    for query in (classmate.snils, snils.format_snils(classmate.snils), classmate.snils[:5]):
        response = client.get(reverse("web:learner_list"), {"q": query})
        assert response.status_code == 200
        assert (classmate.full_name in response.text) is found, query


def test_every_personal_field_of_a_learner_is_in_the_table() -> None:
    """A new personal field of Learner must be given to roles in core.personal_fields, once."""
    kinds = [field for fields in personal_fields.KINDS.values() for field in fields]
    assert len(kinds) == len(set(kinds))
    assert set(kinds) == personal_fields.ALL == set(Learner.AUDITED_FIELDS)
