"""The machinery of test_injection.py: payloads, filling a form as a person would, and the checks
of what the site gives back (HTML pages, PDFs, XLSX workbooks, ZIPs of PDFs).

An entry point is one `Entry`: a URL that takes typed text, who submits it, and which form
classes it covers. The test fetches the page that holds the form, takes every field as the
browser would send it, types a payload into every text field, adds what the entry gives
(valid values for fields that are not free text) and submits. A JSON entry (the gradebook's
cell, an API write: POST, PUT or PATCH) sends `data` as a JSON body instead, with the entry's
`headers` (an API token).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import openpyxl
import tinyhtml5
from django import forms
from django.urls import reverse

# Every payload carries its own number, 7331 and three digits, so that the checks can tell our
# text from the page's own and name the field a trace came from (`+1` is typed as `+7331001`).
MARKER = "7331"
MARKED = re.compile(r"7331\d{3}")
SCRIPT = "<script>alert({m})</script>"
IMG = '"><img src=x onerror=alert({m})>'
FORMULAS = (
    '=HYPERLINK("http://evil.example/{m}","x")',
    "+{m}",
    "-{m}+2",
    "@SUM({m})",
    "={m}+1",
    "\t={m}+2",
    "\r={m}+3",
)
# A short field gets one payload; a long one a formula followed by markup, so that every
# output that shows it is tried with both (a PDF as much as a workbook).
TEMPLATES = (SCRIPT, IMG, *FORMULAS)
COMBINED = tuple(formula + (SCRIPT, IMG)[turn % 2] for turn, formula in enumerate(FORMULAS))
# Where a payload goes inside a structured value an entry gives (a line of a scale's values).
TYPED = "{typed}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Entry:
    """One place where a person types text.

    `url` is (url name, object key): the key names an object of the test's world whose pk (or,
    for a list, whose values) are the URL's arguments, as in test_authorization_matrix.py.
    `page` is where the form is shown, when not at `url`. `data` gives valid values for fields
    that are not free text; `keep` names text fields that only take a checked value (an e-mail,
    an INN): they get a payload in a first submission (its answer is checked like any other),
    then `data`'s value in the submission that must succeed.
    `text` names text fields that no form class declares (a JSON body's keys).
    """

    url: tuple[str, str]
    forms: tuple[type[forms.BaseForm], ...] = ()
    user: str = "registrar"
    page: tuple[str, str] | None = None
    data: Callable[[dict], dict] = field(default=lambda ctx: {})
    keep: frozenset[str] = frozenset()
    text: tuple[str, ...] = ()
    # The longest value each of `text` takes, where no form declares it (an API's field).
    max_lengths: dict[str, int] = field(default_factory=dict)
    # "post" (a form), "get" (a search form), "json" (a JSON body POSTed), "put" and "patch" (a
    # JSON body sent so).
    method: str = "post"
    # False where the page shows the form only in states the world lacks (a lock-out to lift):
    # then `data` and the typed fields are posted as they are.
    form_on_page: bool = True
    # Request headers (an API token: `lambda ctx: {"Authorization": f"Bearer {ctx['token']}"}`).
    headers: Callable[[dict], dict] = field(default=lambda ctx: {})
    status: int = 302

    @property
    def label(self) -> str:
        return f"{self.url[0]}[{self.url[1]}]" if self.url[1] else self.url[0]

    @property
    def json_body(self) -> bool:
        return self.method in JSON_METHODS


JSON_METHODS = frozenset({"json", "put", "patch"})


def resolve(ctx: dict, url: tuple[str, str]) -> str:
    name, key = url
    target = ctx[key] if key else None
    args = target if isinstance(target, list) else [target.pk] if target is not None else []
    return reverse(name, args=args)


def text_fields(form_class: type[forms.BaseForm]) -> dict[str, int | None]:
    """The free-text fields of a form class and their maximum lengths."""
    return {
        name: form_field.max_length
        for name, form_field in form_class.base_fields.items()
        if isinstance(form_field, forms.CharField)
        # Hidden fields carry what the page put there (a submission key), not what a person typed.
        and not isinstance(form_field.widget, forms.HiddenInput | forms.PasswordInput)
    }


@dataclass(frozen=True)
class Typed:
    entry: str
    field: str
    payload: str


class Payloads:
    """Hands out the payloads in turn (the next one that fits a field's maximum length), each
    with a number of its own, and remembers which field got which."""

    def __init__(self) -> None:
        self.typed: dict[str, Typed] = {}

    def next(
        self, entry: str, name: str, max_length: int | None, *, inline: bool = False, checked: bool = False
    ) -> str | None:
        """The next payload; `inline`: one that goes inside a line (no tab or carriage return);
        `checked`: for a field that takes only a checked value, one that no check lets through
        (not ending in a digit: «+7331001» is a blank's number «7331001» with the prefix «+»)."""
        marker = f"{MARKER}{len(self.typed) + 1:03d}"
        candidates = [COMBINED[len(self.typed) % len(COMBINED)]]
        candidates += [TEMPLATES[(len(self.typed) + turn) % len(TEMPLATES)] for turn in range(len(TEMPLATES))]
        if checked:
            candidates.sort(key=lambda template: template.format(m=marker)[-1].isdigit())
        for template in candidates:
            payload = template.format(m=marker)
            if inline and payload != payload.strip():
                continue
            if max_length is None or len(payload) <= max_length:
                self.typed[marker] = Typed(entry, name, payload)
                return payload
        return None  # a code of three characters holds no payload


# ----------------------------------------------------------------------------------- forms


def _parse(html: str):  # noqa: ANN202 - an ElementTree element
    return tinyhtml5.parse(html)


def form_values(html: str, page_path: str, action_path: str) -> dict[str, list[str]]:
    """What the browser would send from the form of `html` that posts to `action_path`."""
    for form in _parse(html).iter(f"{XHTML}form"):
        action = urlsplit(form.get("action") or page_path).path
        if action != action_path:
            continue
        values: dict[str, list[str]] = {}
        for element in form.iter():
            tag, name = element.tag.removeprefix(XHTML), element.get("name")
            if not name or element.get("disabled") is not None:
                continue
            if tag == "input":
                kind = (element.get("type") or "text").lower()
                if kind in {"submit", "button", "file", "reset", "image"}:
                    continue
                if kind in {"checkbox", "radio"} and element.get("checked") is None:
                    continue
                values.setdefault(name, []).append(element.get("value", "on" if kind == "checkbox" else ""))
            elif tag == "textarea":
                values.setdefault(name, []).append((element.text or "").removeprefix("\n"))
            elif tag == "select":
                options = [option for option in element.iter(f"{XHTML}option")]
                chosen = [option for option in options if option.get("selected") is not None]
                if not chosen:
                    chosen = [option for option in options if option.get("value", option.text or "")][:1]
                values[name] = [option.get("value", option.text or "") for option in chosen]
        return values
    return {}


# ---------------------------------------------------------------------------------- checks


_SCRIPT_TEXT = re.compile(r"alert\(7331\d{3}\)")


def check_html(html: str, where: str) -> None:
    """No element, attribute or script that a payload could have made, parsed as a browser does."""
    for element in _parse(html).iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.removeprefix(XHTML)
        if tag == "script":
            assert not _SCRIPT_TEXT.fullmatch((element.text or "").strip()), f"{where}: an injected <script>"
        if tag == "img":
            assert element.get("src") != "x", f"{where}: an injected <img>"
        for name, value in element.attrib.items():
            assert not (name.lower().startswith("on") and MARKER in value), (
                f"{where}: an injected {name}= attribute on <{tag}>"
            )
    assert not re.search(r"<script>alert\(7331|<img src=x", html), f"{where}: a raw payload"


class Seen:
    """Checks every output the site gives back and keeps, per payload number, where it was shown."""

    def __init__(self, payloads: Payloads) -> None:
        self.payloads = payloads
        self.shown: dict[str, set[str]] = {}  # payload number -> {"html", "pdf", "xlsx"}
        self.outputs: dict[str, int] = {}

    def _found(self, kind: str, text: str) -> None:
        for marker in set(MARKED.findall(text)):
            self.shown.setdefault(marker, set()).add(kind)

    def _payload(self, marker: str) -> str:
        return self.payloads.typed[marker].payload.strip() if marker in self.payloads.typed else marker

    def check(self, content: bytes, content_type: str, where: str, *, page_data: bool = False) -> None:
        """`page_data`: JSON a page's script shows (a cell's history); other JSON (an API's
        answer echoing what was sent) shows nothing to anyone."""
        kind = content_type.split(";")[0]
        if kind == "text/html":
            html = content.decode("utf-8")
            check_html(html, where)
            self._found("html", html)
        elif kind == "application/pdf":
            self._check_pdf(content, where)
        elif "spreadsheetml" in kind:
            self._check_xlsx(content, where)
        elif kind in {"application/zip", "application/x-zip-compressed"}:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                for member in archive.namelist():
                    inner = "application/pdf" if member.endswith(".pdf") else ""
                    inner = "spreadsheetml" if member.endswith(".xlsx") else inner
                    self.check(archive.read(member), inner, f"{where} {member}")
            return
        elif kind == "application/json":
            text = json.dumps(json.loads(content), ensure_ascii=False)
            if page_data:  # the page's script puts it in as text (textContent)
                self._found("json", text)
        else:
            return
        self.outputs[kind] = self.outputs.get(kind, 0) + 1

    def _check_xlsx(self, content: bytes, where: str) -> None:
        """No live formula anywhere; a cell with a payload holds the whole payload as text."""
        book = openpyxl.load_workbook(io.BytesIO(content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    place = f"{where} {sheet.title}!{cell.coordinate}"
                    assert cell.data_type != "f", f"{place}: a formula {cell.value!r}"
                    if isinstance(cell.value, str):
                        for marker in set(MARKED.findall(cell.value)):
                            assert self._payload(marker) in cell.value, f"{place}: changed {cell.value!r}"
                            assert cell.data_type == "s", f"{place}: not a text cell"
                            self.shown.setdefault(marker, set()).add("xlsx")

    def _check_pdf(self, content: bytes, where: str) -> None:
        """Every payload in a PDF reads as the whole text typed: markup read as markup leaves
        nothing of itself (or a torn piece) in the text."""
        pdftotext = shutil.which("pdftotext")
        assert pdftotext, "pdftotext (poppler-utils) is needed"
        # In the order the PDF draws its text (a table cell's wrapped lines one after another,
        # not interleaved with the next cells), compared without whitespace (a long payload
        # wraps anywhere, after «/», say).
        done = subprocess.run(  # noqa: S603 - a fixed program reading the PDF on stdin
            [pdftotext, "-raw", "-", "-"], input=content, capture_output=True, check=True
        )
        text = "".join(done.stdout.decode("utf-8").split())
        for marker in set(MARKED.findall(text)):
            payload = "".join(self._payload(marker).split())
            assert payload in text, (
                f"{where}: payload {payload!r} not shown whole in {_around(text, marker)!r}"
            )
            self.shown.setdefault(marker, set()).add("pdf")


def _around(text: str, marker: str) -> str:
    at = text.find(marker)
    return text[max(0, at - 40) : at + 40]


def page_errors(html: str) -> str:
    """The form's error messages and the page's messages, for a failure's explanation."""
    texts = []
    for element in _parse(html).iter():
        if isinstance(element.tag, str) and any(
            word in (element.get("class") or "")
            for word in ("errorlist", "errorbox", "error", "invalid", "message")
        ):
            texts.append(" ".join("".join(element.itertext()).split()))
    return " | ".join(texts)[:1500]
