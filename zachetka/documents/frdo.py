"""Export of issued documents to ФИС ФРДО (273-ФЗ art. 98) in the official templates' layout.

Each template's columns, their order, titles, rules and allowed values are data
(`frdo_templates/<key>.json`, versioned) because the official template changes; this module
only knows how to read each field from a document. Rows are checked before anything is marked
exported: one bad row refuses the whole export with a report naming the document and field.

What the registry was told is kept per document (FrdoSubmission), and the export says only what
is true of each document now (README «ФИС ФРДО: what is reported»; sources in docs/sources.md § 1,
«~» marks facts from open code, to be checked against the official template):

- a valid document not sent yet: a row, «Оригинал» or «Дубликат» with the «(оригинала)» block,
  every «Подтверждение …» «Нет»;
- a lost or exchanged original: its row says «Подтверждение утраты/обмена: Да», and goes in
  the same workbook as the duplicate that confirms the loss (the year of the duplicate);
- a spoiled blank (destroyed): if its row was sent, «Подтверждение уничтожения: Да»; if it was
  never sent, nothing: the blank is written off in the blanks register and the registry never
  knew it;
- a revoked (аннулирован) document: the template has no means to say so, so it is never
  written; the ФИС ФРДО page lists it «требует исправления в ФИС ФРДО вручную» with the reason
  until someone records that the registry's record was corrected by hand;
- a document voided because its final protocol was annulled: likewise never written; if it had
  been sent it is listed for correction by hand (the document issued again on the replacement
  protocol goes as a new record); if not, there is nothing to correct;
- a document already sent whose row changed since (its state, or the holder's data such as a
  corrected СНИЛС) goes again as a change of that record: «Номер документа для изменения»
  holds what identifies the record, per the template's `change_key`: the registration number
  (the sources found give only the column's title, docs/sources.md § 1.3 ~, and no instruction,
  § 6 ✘; the registration or the blank number are the candidates, the registration number is
  unique and never changes). A template whose change column must stay empty (ПО, by the open
  checker's rule, docs/sources.md § 1.5 ~) cannot carry changes: such a document is listed for
  manual correction instead, and an unchanged one is not sent twice;
- a справка об обучении asserts no qualification (ч. 12 ст. 60 273-ФЗ, docs/sources.md § 2.4 ✔):
  the qualification column stays empty, the years are its actual study period and the hours
  those of the modules passed, none when nothing was (the columns are headed «для документа о
  квалификации», § 1.3 ~).
"""

import datetime as dt
import hashlib
import json
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import (
    Case,
    Exists,
    F,
    FileField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.utils import timezone

from zachetka.attestation.models import Protocol, ProtocolResult
from zachetka.core import access, audit, names, snils
from zachetka.core.xlsx_stream import StreamingSheet
from zachetka.documents.models import Document, FrdoExport, FrdoSubmission
from zachetka.organization import selectors as organization
from zachetka.programs.models import Group, Module

TEMPLATE_DIR = Path(__file__).resolve().parent / "frdo_templates"
TEMPLATES = ("dpo", "po")
MAX_REPORTED_ERRORS = 200
MANDATORY_FROM_YEAR = 2021  # docs/sources.md § 1.5: fields required for documents issued from 2021
# How often (in documents read) an export reports its progress to `on_step`.
STEP_ROWS = 500

# Told how far an export is: (documents read, documents in all, «строка N из M»).
OnStep = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    version: str
    title: str
    sheet: str
    kinds: tuple[str, ...]
    program_kinds: tuple[str, ...]
    value_lists: dict[str, dict[str, str]]
    columns: tuple[dict, ...]
    min_hours: int = 1
    # The record field «Номер документа для изменения» holds; "" when the template's change
    # column must stay empty and the template cannot carry changes.
    change_key: str = ""

    @cached_property
    def change_columns(self) -> frozenset[int]:
        return frozenset(i for i, column in enumerate(self.columns) if column["field"] == "change_number")

    @property
    def accepts_changes(self) -> bool:
        return bool(self.change_key)

    def holds(self, kind: str, program_kind: str) -> bool:
        return kind in self.kinds and program_kind in self.program_kinds

    def scope(self) -> Q:
        return Q(kind__in=self.kinds, program_kind__in=self.program_kinds)


@cache
def load(key: str) -> Template:
    if key not in TEMPLATES:
        raise ValidationError(f"Нет шаблона «{key}»: есть {', '.join(TEMPLATES)}.")
    data = json.loads((TEMPLATE_DIR / f"{key}.json").read_text(encoding="utf-8"))
    return Template(
        key=data["template"],
        name=data["name"],
        version=data["version"],
        title=data["title"],
        sheet=data["sheet"],
        kinds=tuple(data["kinds"]),
        program_kinds=tuple(data["program_kinds"]),
        value_lists=data["value_lists"],
        columns=tuple(data["columns"]),
        min_hours=data.get("min_hours", 1),
        change_key=data.get("change_key", ""),
    )


class FrdoRefused(ValidationError):
    """The export was refused; `problems` names each bad document and field."""

    def __init__(self, problems: list[str], total: int) -> None:
        shown = "\n".join(problems)
        more = f"\n… и ещё {total - len(problems)}" if total > len(problems) else ""
        super().__init__(f"Выгрузка не выполнена: ошибок — {total}.\n{shown}{more}", code="frdo_refused")
        self.problems, self.total = problems, total


def documents_for(template: Template, year: int, group: Group | None = None) -> QuerySet[Document]:
    """Documents of the template's kinds (programs of its kinds; a справка goes with its
    program's template) issued in `year`, and the originals their duplicates replace: a lost or
    exchanged original is reported with its replacement, so in the replacement's year."""
    replacement = Document.objects.filter(original=OuterRef("pk"))
    documents = Document.objects.filter(template.scope()).filter(
        (Q(issued_on__year=year) & ~Exists(replacement.exclude(issued_on__year=year)))
        | Exists(replacement.filter(issued_on__year=year))
    )
    if group is not None:
        documents = documents.filter(enrollment__group=group)
    return documents


def _studied_hours() -> Case:
    """Hours of the modules a справка's holder passed (a signed intermediate statement, by the
    day of issue): what was studied, not the whole program. Only справки need it."""
    passed = ProtocolResult.objects.filter(
        enrollment=OuterRef(OuterRef("enrollment")),
        protocol__module=OuterRef("pk"),
        protocol__kind=Protocol.Kind.INTERMEDIATE,
        protocol__status=Protocol.Status.SIGNED,
        protocol__held_on__lte=OuterRef(OuterRef("issued_on")),
        is_passing=True,
    )
    hours = (
        Module.objects.filter(program=OuterRef("enrollment__group__program"))
        .filter(Exists(passed))
        .order_by()
        .values("program")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return Case(
        When(kind=Document.Kind.STUDY_CERTIFICATE, then=Subquery(hours)),
        default=None,
        output_field=IntegerField(),
    )


def _last_submission(field: str) -> Subquery:
    return Subquery(FrdoSubmission.objects.filter(document=OuterRef("pk")).order_by("-pk").values(field)[:1])


# What a row is built from: one flat record per document (no model instances: an export reads
# a hundred thousand of them).
RECORD = {
    "pk": "pk",
    "learner_id": "enrollment__learner_id",
    "kind": "kind",
    "issue": "issue",
    "state": "state",
    "studied_hours": "studied_hours",
    "sent_state": "sent_state",
    "sent_sha256": "sent_sha256",
    "series": "series",
    "number": "number",
    "issued_on": "issued_on",
    "registration_number": "registration_number",
    "program_kind": "program_kind",
    "program_title": "program_title",
    "field_of_activity": "field_of_activity",
    "qualification": "qualification",
    "qualification_grade": "qualification_grade",
    "studied_from": "studied_from",
    "studied_to": "studied_to",
    "hours": "hours",
    "last_name": "last_name",
    "first_name": "first_name",
    "middle_name": "middle_name",
    "sex": "sex",
    "education_level": "enrollment__learner__education_level",
    "diploma_last_name": "enrollment__learner__diploma_last_name",
    "diploma_series": "enrollment__learner__diploma_series",
    "diploma_number": "enrollment__learner__diploma_number",
    "birth_date": "enrollment__learner__birth_date",
    "snils": "enrollment__learner__snils",
    "citizenship": "enrollment__learner__citizenship",
    "funding": "enrollment__funding",
    "study_form": "enrollment__group__program__study_form",
    "original_kind": "original__kind",
    "original_series": "original__series",
    "original_number": "original__number",
    "original_registration_number": "original__registration_number",
    "original_issued_on": "original__issued_on",
    "original_last_name": "original__last_name",
    "original_first_name": "original__first_name",
    "original_middle_name": "original__middle_name",
}


def records(documents: QuerySet[Document]) -> Iterator[dict]:
    """Flat records of the documents, in registration order, read in chunks; each with what was
    last sent about it (`sent_state`, `sent_sha256`: None if never)."""
    lookups = list(RECORD.values())
    names = list(RECORD)
    rows = (
        documents.annotate(
            studied_hours=_studied_hours(),
            sent_state=_last_submission("state"),
            sent_sha256=_last_submission("sha256"),
        )
        .order_by("registration_year", "registration_seq")
        .values_list(*lookups)
    )
    for row in rows.iterator(chunk_size=5000):
        yield dict(zip(names, row, strict=True))


def _date(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


Reader = Callable[[Template, dict], str | None]


def _listed(list_name: str, key: str) -> Reader:
    """A value from one of the template's lists; None (an error) when the key is not listed."""

    def read(template: Template, r: dict) -> str | None:
        raw = r[key]
        if raw in ("", None):
            return ""
        return template.value_lists[list_name].get(str(raw))

    return read


def _yes_no(state: str) -> Reader:
    return lambda template, r: template.value_lists["yes_no"]["true" if r["state"] == state else "false"]


def _plain(key: str) -> Reader:
    return lambda template, r: r[key] or ""


def _original(key: str) -> Reader:
    """The «(оригинала)» block: filled for a duplicate or an exchange, from the original."""

    def read(template: Template, r: dict) -> str | None:
        if r["issue"] == Document.Issue.ORIGINAL:
            return ""
        value = r[key]
        if key == "original_kind":
            return template.value_lists["kind"].get(value)
        if key == "original_series":
            return value or "Нет"
        if key == "original_issued_on":
            return _date(value)
        return value or ""

    return read


def _hours(r: dict) -> str:
    """A document of qualification: the program's hours. A справка: the hours of the modules
    passed, or nothing when none was (the column is «для документа о квалификации»)."""
    if r["kind"] != Document.Kind.STUDY_CERTIFICATE:
        return str(r["hours"])
    return str(r["studied_hours"]) if r["studied_hours"] else ""


# How each field of a template's columns is read from a document's record.
FIELDS: dict[str, Reader] = {
    "kind": _listed("kind", "kind"),
    "status": _listed("status", "issue"),
    "lost": _yes_no(Document.State.LOST),
    "exchanged": _yes_no(Document.State.EXCHANGED),
    "destroyed": _yes_no(Document.State.DESTROYED),
    "series": lambda t, r: r["series"] or "Нет",
    "number": _plain("number"),
    "issued_on": lambda t, r: _date(r["issued_on"]),
    "registration_number": _plain("registration_number"),
    "program_type": _listed("program_type", "program_kind"),
    "program_title": _plain("program_title"),
    "field_of_activity": _plain("field_of_activity"),
    "specialty_groups": lambda t, r: "",
    # A справка certifies studies, not a qualification (ч. 12 ст. 60 273-ФЗ): none is asserted,
    # whatever a справка issued before this rule copied from its program.
    "qualification": lambda t, r: (
        "" if r["kind"] == Document.Kind.STUDY_CERTIFICATE else r["qualification"] or ""
    ),
    "rank": _plain("qualification_grade"),
    "education_level": _listed("education_level", "education_level"),
    "diploma_last_name": _plain("diploma_last_name"),
    "diploma_series": _plain("diploma_series"),
    "diploma_number": _plain("diploma_number"),
    "start_year": lambda t, r: str(r["studied_from"].year),
    "end_year": lambda t, r: str(r["studied_to"].year),
    "hours": lambda t, r: _hours(r),
    "last_name": _plain("last_name"),
    "first_name": _plain("first_name"),
    "middle_name": _plain("middle_name"),
    "birth_date": lambda t, r: _date(r["birth_date"]),
    "sex": _listed("sex", "sex"),
    "snils": lambda t, r: snils.format_snils(r["snils"]),
    "study_form": _listed("study_form", "study_form"),
    "funding": _listed("funding", "funding"),
    "termination_form": lambda t, r: t.value_lists["termination_form"]["default"],
    "citizenship": _plain("citizenship"),
    "original_kind": _original("original_kind"),
    "original_series": _original("original_series"),
    "original_number": _original("original_number"),
    "original_registration_number": _original("original_registration_number"),
    "original_issued_on": _original("original_issued_on"),
    "original_last_name": _original("original_last_name"),
    "original_first_name": _original("original_first_name"),
    "original_middle_name": _original("original_middle_name"),
    "change_number": lambda t, r: r.get("change_number", ""),
}

_DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
_YEAR = re.compile(r"^\d{4}$")
_OKSM = re.compile(r"^\d{3}$")


def _format_problem(
    column: dict, value: str, template: Template, today: dt.date, document_kind: str
) -> str | None:
    kind = column.get("format")
    if kind == "name":
        return names.name_part_error(value)
    if kind in ("date", "birth_date"):
        match = _DATE.match(value)
        lowest = 1900 if kind == "birth_date" else 1950
        if match is None or not lowest <= int(match.group(3)) <= 2100:
            return f"дата в формате дд.мм.гггг, год {lowest}–2100"
    if kind == "year" and (not _YEAR.match(value) or int(value) > today.year):
        return f"год в формате гггг, не позже {today.year}"
    if kind == "snils" and not snils.is_valid(value):
        return "СНИЛС в формате 000-000-000 00 с верной контрольной суммой"
    if kind == "hours":
        # The least program length (ПО: 6 hours, docs/sources.md § 1.5 ~) bounds a program, not what
        # a справка's holder managed to study of it.
        least = 1 if document_kind == Document.Kind.STUDY_CERTIFICATE else template.min_hours
        if not value.isdigit() or int(value) < least:
            return f"целое число часов, не меньше {least}"
    if kind == "oksm" and not _OKSM.match(value):
        return "цифровой код страны по ОКСМ (Россия — 643)"
    return None


def row_of(template: Template, r: dict, today: dt.date) -> tuple[list[str], list[str]]:
    """A document's row (from its record) in the template's column order, and what is wrong."""
    values, problems = [], []
    for column in template.columns:
        value = FIELDS[column["field"]](template, r)
        title = column["title"]
        if value is None:
            problems.append(f"«{title}» — значение не из списка шаблона")
            values.append("")
            continue
        value = str(value)
        values.append(value)
        if not value:
            required = (
                column.get("required")
                or (column.get("required_from_2021") and r["issued_on"].year >= MANDATORY_FROM_YEAR)
            ) and r["kind"] not in column.get("optional_for_kinds", ())
            if required:
                problems.append(f"«{title}» — не заполнено")
            continue
        if column.get("must_be_empty"):
            problems.append(f"«{title}» — должно оставаться пустым")
        elif len(value) > column.get("max_length", 10_000):
            problems.append(f"«{title}» — длиннее {column['max_length']} символов")
        elif problem := _format_problem(column, value, template, today, r["kind"]):
            problems.append(f"«{title}» — {problem}")
    if r["studied_to"].year < r["studied_from"].year:
        problems.append("год окончания обучения раньше года начала")
    return values, problems


def row_hash(template: Template, values: list[str]) -> str:
    """What a row says, «Номер документа для изменения» left out: two exports of an unchanged
    document hash alike."""
    said = [value for index, value in enumerate(values) if index not in template.change_columns]
    return hashlib.sha256("\x1f".join(said).encode("utf-8")).hexdigest()


def is_reportable(r: dict) -> bool:
    """Whether a document's row may go to the registry at all: never for a revoked document
    (no template means to say so), nor for a spoiled blank that was never reported."""
    if r["state"] in (Document.State.REVOKED, Document.State.VOIDED):
        return False
    return not (r["state"] == Document.State.DESTROYED and r["sent_state"] is None)


@dataclass(frozen=True)
class Written:
    pk: int
    state: str
    sha256: str
    change_number: str
    learner_id: int


@dataclass(frozen=True)
class Prepared:
    """A workbook made and checked, not yet recorded: what `record` marks as sent."""

    template: Template
    year: int
    group: Group | None
    only_new: bool
    content: bytes
    sha256: str
    file_name: str
    written: list[Written]
    # When reading began: a document exported by someone else since then stops the recording.
    read_since: dt.datetime

    @property
    def learner_ids(self) -> list[int]:
        return [w.learner_id for w in self.written]


def export(
    *,
    by: User | None,
    template_key: str,
    year: int,
    group: Group | None = None,
    only_new: bool = True,
    on_step: OnStep | None = None,
) -> FrdoExport:
    """Write the workbook, or refuse with FrdoRefused and change nothing. On success each
    document written is recorded as sent (FrdoSubmission: its state and its row's hash) and
    marked with the time and the export (which keeps the file's SHA-256 and a copy of the file).

    With `only_new` a document already sent goes again only if its row changed; without it every
    document sent before is rewritten (as a change of its record). Revoked documents and, where
    the template takes no changes, documents changed since they were sent are never written:
    `manual_corrections()` lists them.

    `on_step`, if given, is told every STEP_ROWS documents how many of all were read. The
    reading and writing of the workbook (most of the time) happen outside any transaction of
    this export; the records are written in one short transaction, and the file stored for it is
    deleted again if that transaction fails: all or nothing."""
    prepared = prepare(
        by=by, template_key=template_key, year=year, group=group, only_new=only_new, on_step=on_step
    )
    stored = store(prepared)
    try:
        with transaction.atomic():
            return record(prepared, by=by, stored=stored)
    except BaseException:
        discard(stored)
        raise


def prepare(
    *,
    by: User | None,
    template_key: str,
    year: int,
    group: Group | None = None,
    only_new: bool = True,
    on_step: OnStep | None = None,
) -> Prepared:
    """Read the documents and write the workbook (no database writes); FrdoRefused with every
    row's problems, ValidationError when there is nothing to export."""
    if by is not None:
        access.require(by, "documents.add_frdoexport")
    template = load(template_key)
    today = timezone.localdate()
    read_since = timezone.now()
    written: list[Written] = []
    problems: list[str] = []
    total_problems = 0
    documents = documents_for(template, year, group)
    count = documents.count() if on_step is not None else 0
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as scratch:
        with StreamingSheet(scratch.name, template.sheet, protected=True) as sheet:
            sheet.write_row([column["title"] for column in template.columns], bold=True)
            for read, r in enumerate(records(documents), start=1):
                if on_step is not None and (read % STEP_ROWS == 0 or read == count):
                    on_step(read, count, f"строка {read} из {count}")
                sent = r["sent_state"] is not None
                if not is_reportable(r) or (sent and not template.accepts_changes):
                    continue
                if sent:  # the registry holds this document: update its record, do not add one
                    r["change_number"] = str(r[template.change_key])
                values, row_problems = row_of(template, r, today)
                digest = row_hash(template, values)
                if sent and only_new and digest == r["sent_sha256"]:
                    continue
                if row_problems:
                    total_problems += len(row_problems)
                    short = names.short_name(r["last_name"], r["first_name"], r["middle_name"])
                    who = f"Рег. № {r['registration_number']} ({short})"
                    problems.extend(
                        f"{who}: {p}" for p in row_problems[: MAX_REPORTED_ERRORS - len(problems)]
                    )
                elif not total_problems:  # once refused, rows are only checked, to report them all
                    sheet.write_row(values)
                    written.append(
                        Written(r["pk"], r["state"], digest, r.get("change_number", ""), r["learner_id"])
                    )
        if total_problems:
            raise FrdoRefused(problems, total_problems)
        if not written:
            raise ValidationError("Нет документов для выгрузки: все уже выгружены и не менялись.")
        content = Path(scratch.name).read_bytes()
    suffix = f"-{group.code}" if group else ""
    return Prepared(
        template=template,
        year=year,
        group=group,
        only_new=only_new,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        file_name=f"ФРДО-{template.key}-{year}{suffix}-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx",
        written=written,
        read_since=read_since,
    )


def _file_field() -> FileField:
    return FrdoExport._meta.get_field("file")


def store(prepared: Prepared) -> str:
    """Store the workbook (before the records that name it: `discard` it if they fail)."""
    field = _file_field()
    return field.storage.save(
        field.generate_filename(None, prepared.file_name), ContentFile(prepared.content)
    )


def discard(stored: str) -> None:
    _file_field().storage.delete(stored)


def record(prepared: Prepared, *, by: User | None, stored: str) -> FrdoExport:
    """Record the export as sent and mark its documents; to be called inside a transaction.
    ValidationError if one of its documents was exported by someone else since it was read."""
    ids = [w.pk for w in prepared.written]
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        # Locked, so two exports of the same documents cannot both mark them.
        locked = Document.objects.select_for_update().filter(pk__in=chunk)
        if locked.filter(frdo_exported_at__gte=prepared.read_since).exists():
            raise ValidationError(
                "Пока шла выгрузка, часть её документов выгрузили в другой раз. Запустите выгрузку снова."
            )
    template = prepared.template
    export_record = FrdoExport.objects.create(
        template=template.key,
        template_version=template.version,
        year=prepared.year,
        group=prepared.group,
        only_new=prepared.only_new,
        rows=len(prepared.written),
        sha256=prepared.sha256,
        file_name=prepared.file_name,
        file=stored,
        created_by=by,
    )
    _record_sent(export_record, by, prepared.written)
    now = timezone.now()
    for start in range(0, len(ids), 1000):
        Document.objects.filter(pk__in=ids[start : start + 1000]).update(
            frdo_exported_at=now, frdo_export=export_record
        )
    audit.record(
        by=by,
        action=audit.Action.FRDO_EXPORTED,
        subject=export_record,
        after={
            "template": template.key,
            "version": template.version,
            "year": prepared.year,
            "rows": len(prepared.written),
            "changes": sum(1 for w in prepared.written if w.change_number),
        },
        extra={"sha256": prepared.sha256},
    )
    return export_record


def _record_sent(record: FrdoExport, by: User | None, written: list[Written]) -> None:
    """One FrdoSubmission per row written. A plain executemany: building 100,000 model
    instances for bulk_create would take longer than writing the workbook."""
    meta = FrdoSubmission._meta
    columns = [
        meta.get_field(name).column
        for name in ("document", "export", "state", "sha256", "change_number", "note", "by", "at")
    ]
    quote = connection.ops.quote_name
    # Table and column names come from the model; every value is a query parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    by_id = by.pk if by is not None else None
    with connection.cursor() as cursor:
        for start in range(0, len(written), 2000):
            cursor.executemany(
                sql,
                [
                    (w.pk, record.pk, w.state, w.sha256, w.change_number, "", by_id, now)
                    for w in written[start : start + 2000]
                ],
            )


def template_of(document: Document) -> Template | None:
    """The template a document is reported in; None for one ФИС ФРДО does not take."""
    return next(
        (load(key) for key in TEMPLATES if load(key).holds(document.kind, document.program_kind)), None
    )


def reported_kinds() -> Q:
    """Documents some template reports (a сертификат of a short course is in none)."""
    scope = Q(pk__in=[])
    for key in TEMPLATES:
        scope |= load(key).scope()
    return scope


def pending() -> QuerySet[Document]:
    """Documents never sent that an export would send: not revoked, not a spoiled blank."""
    return Document.objects.filter(reported_kinds(), frdo_exported_at__isnull=True).exclude(
        state__in=[Document.State.REVOKED, Document.State.DESTROYED, Document.State.VOIDED]
    )


@dataclass(frozen=True)
class Correction:
    """A document whose record in ФИС ФРДО an export cannot put right: why, and what to do."""

    document: Document
    reason: str


def manual_corrections(documents: QuerySet[Document] | None = None) -> list[Correction]:
    """What «требует исправления в ФИС ФРДО вручную»: revoked documents (the templates have no
    means to say so) until their correction by hand is recorded, and, in a template that takes
    no changes, documents whose state changed after they were sent."""
    documents = Document.objects.filter(reported_kinds()) if documents is None else documents
    documents = documents.annotate(sent_state=_last_submission("state"), sent_at=_last_submission("at"))
    no_changes = Q(pk__in=[])
    for key in TEMPLATES:
        if not load(key).accepts_changes:
            no_changes |= load(key).scope()
    revoked = Q(state=Document.State.REVOKED) & (
        Q(sent_state__isnull=True) | ~Q(sent_state=Document.State.REVOKED)
    )
    voided = (
        Q(state=Document.State.VOIDED) & Q(sent_state__isnull=False) & ~Q(sent_state=Document.State.VOIDED)
    )
    changed = (
        no_changes
        & Q(sent_state__isnull=False)
        & ~Q(state=F("sent_state"))
        & ~Q(state__in=[Document.State.REVOKED, Document.State.VOIDED])
    )
    found = (
        documents.filter(revoked | voided | changed)
        .select_related("enrollment__group")
        .order_by("state_changed_at", "pk")
    )
    corrections = []
    for document in found:
        changed_on = timezone.localtime(document.state_changed_at)
        what = f"{document.get_state_display().capitalize()} {changed_on:%d.%m.%Y}: {document.state_reason}."
        if document.sent_state:
            sent_on, sent_as = timezone.localtime(document.sent_at), Document.State(document.sent_state).label
            sent = f" Документ выгружался: сведения о нём уже переданы ({sent_on:%d.%m.%Y}, как «{sent_as}»)"
        else:
            sent = " Документ в ФИС ФРДО не передавался"
        if document.state == Document.State.REVOKED and document.sent_state:
            how = "; в шаблоне нет отметки об аннулировании — исправьте запись в кабинете ФИС ФРДО."
        elif document.state == Document.State.VOIDED:
            how = (
                "; в шаблоне нет отметки о недействительности — исправьте запись в кабинете ФИС "
                "ФРДО (документ, выданный вновь по новому протоколу, выгрузится как новый)."
            )
        elif document.state == Document.State.REVOKED:
            how = (
                " и в выгрузку не попадёт (в шаблоне нет отметки об аннулировании); если сведения о "
                "нём всё же нужно внести, внесите их вручную."
            )
        else:
            how = (
                f"; шаблон «{template_of(document).name}» не принимает изменений (столбец «Номер "
                "документа для изменения» остаётся пустым) — отметьте изменение в кабинете ФИС ФРДО."
            )
        corrections.append(Correction(document, what + sent + how))
    return corrections


@transaction.atomic
def record_manual_correction(*, by: User, document: Document, note: str) -> FrdoSubmission:
    """Record that the registry's record of a document was corrected by hand (in the ФИС ФРДО
    cabinet): what it holds now is the document as it stands, so exports stop offering it."""
    access.require(by, "documents.add_frdoexport")
    if not note.strip():
        raise ValidationError({"note": "Опишите, что исправлено в ФИС ФРДО."})
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not any(
        c.document.pk == document.pk for c in manual_corrections(Document.objects.filter(pk=document.pk))
    ):
        raise ValidationError("Этот документ не требует исправления в ФИС ФРДО вручную.")
    template = template_of(document)
    (r,) = records(Document.objects.filter(pk=document.pk))
    values, _ = row_of(template, r, timezone.localdate())
    submission = FrdoSubmission.objects.create(
        document=document,
        export=None,
        state=document.state,
        sha256=row_hash(template, values),
        note=note.strip(),
        by=by,
    )
    audit.record(
        by=by,
        action=audit.Action.FRDO_CORRECTED,
        subject=document,
        after={"state": document.state, "template": template.key},
        reason=note.strip(),
    )
    return submission


def overdue(documents: QuerySet[Document], today: dt.date | None = None) -> QuerySet[Document]:
    """Documents not yet reported whose reporting deadline (the organisation's «Сроки») has passed."""
    today = today or timezone.localdate()
    return documents.filter(
        frdo_exported_at__isnull=True,
        issued_on__lt=today - dt.timedelta(days=organization.deadlines().frdo_report_days),
    )
