"""Export of issued documents to ФИС ФРДО (273-ФЗ art. 98) in the official templates' layout.

Each template's columns, their order, titles, rules and allowed values are data
(`frdo_templates/<key>.json`, versioned) because the official template changes; this module
only knows how to read each field from a document. Rows are checked before anything is marked
exported: one bad row refuses the whole export with a report naming the document and field.
"""

import datetime as dt
import hashlib
import json
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from zachetka.core import access, audit, names, snils
from zachetka.core.xlsx_stream import StreamingSheet
from zachetka.documents.models import Document, FrdoExport
from zachetka.programs.models import Group

TEMPLATE_DIR = Path(__file__).resolve().parent / "frdo_templates"
TEMPLATES = ("dpo", "po")
MAX_REPORTED_ERRORS = 200
MANDATORY_FROM_YEAR = 2021  # domain.md § 1.5: fields required for documents issued from 2021


@dataclass(frozen=True)
class Template:
    key: str
    version: str
    title: str
    sheet: str
    kinds: tuple[str, ...]
    program_kinds: tuple[str, ...]
    value_lists: dict[str, dict[str, str]]
    columns: tuple[dict, ...]
    min_hours: int = 1


@cache
def load(key: str) -> Template:
    if key not in TEMPLATES:
        raise ValidationError(f"Нет шаблона «{key}»: есть {', '.join(TEMPLATES)}.")
    data = json.loads((TEMPLATE_DIR / f"{key}.json").read_text(encoding="utf-8"))
    return Template(
        key=data["template"],
        version=data["version"],
        title=data["title"],
        sheet=data["sheet"],
        kinds=tuple(data["kinds"]),
        program_kinds=tuple(data["program_kinds"]),
        value_lists=data["value_lists"],
        columns=tuple(data["columns"]),
        min_hours=data.get("min_hours", 1),
    )


class FrdoRefused(ValidationError):
    """The export was refused; `problems` names each bad document and field."""

    def __init__(self, problems: list[str], total: int) -> None:
        shown = "\n".join(problems)
        more = f"\n… и ещё {total - len(problems)}" if total > len(problems) else ""
        super().__init__(f"Выгрузка не выполнена: ошибок — {total}.\n{shown}{more}", code="frdo_refused")
        self.problems, self.total = problems, total


def documents_for(
    template: Template, year: int, group: Group | None = None, only_new: bool = True
) -> QuerySet[Document]:
    """Documents of the template's kinds issued in `year` (programs of its kinds; a справка goes
    with its program's template); with `only_new`, those never exported or changed since."""
    documents = Document.objects.filter(
        issued_on__year=year, kind__in=template.kinds, program_kind__in=template.program_kinds
    )
    if group is not None:
        documents = documents.filter(enrollment__group=group)
    if only_new:
        documents = documents.filter(
            Q(frdo_exported_at__isnull=True) | Q(updated_at__gt=F("frdo_exported_at"))
        )
    return documents


# What a row is built from: one flat record per document (no model instances: an export reads
# a hundred thousand of them).
RECORD = {
    "pk": "pk",
    "kind": "kind",
    "issue": "issue",
    "state": "state",
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
    """Flat records of the documents, in registration order, read in chunks."""
    lookups = list(RECORD.values())
    names = list(RECORD)
    rows = documents.order_by("registration_year", "registration_seq").values_list(*lookups)
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
    "qualification": _plain("qualification"),
    "rank": _plain("qualification_grade"),
    "education_level": _listed("education_level", "education_level"),
    "diploma_last_name": _plain("diploma_last_name"),
    "diploma_series": _plain("diploma_series"),
    "diploma_number": _plain("diploma_number"),
    "start_year": lambda t, r: str(r["studied_from"].year),
    "end_year": lambda t, r: str(r["studied_to"].year),
    "hours": lambda t, r: str(r["hours"]),
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
    "change_number": lambda t, r: "",
}

_DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
_YEAR = re.compile(r"^\d{4}$")
_OKSM = re.compile(r"^\d{3}$")


def _format_problem(column: dict, value: str, template: Template, today: dt.date) -> str | None:
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
    if kind == "hours" and (not value.isdigit() or int(value) < template.min_hours):
        return f"целое число часов, не меньше {template.min_hours}"
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
        required = column.get("required") or (
            column.get("required_from_2021") and r["issued_on"].year >= MANDATORY_FROM_YEAR
        )
        if not value:
            if required:
                problems.append(f"«{title}» — не заполнено")
            continue
        if column.get("must_be_empty"):
            problems.append(f"«{title}» — должно оставаться пустым")
        elif len(value) > column.get("max_length", 10_000):
            problems.append(f"«{title}» — длиннее {column['max_length']} символов")
        elif problem := _format_problem(column, value, template, today):
            problems.append(f"«{title}» — {problem}")
    if r["studied_to"].year < r["studied_from"].year:
        problems.append("год окончания обучения раньше года начала")
    return values, problems


@transaction.atomic
def export(
    *,
    by: User | None,
    template_key: str,
    year: int,
    group: Group | None = None,
    only_new: bool = True,
) -> FrdoExport:
    """Write the workbook, or refuse with FrdoRefused and change nothing. On success each
    exported document is marked with the time and the export (which keeps the file's SHA-256
    and a copy of the file)."""
    if by is not None:
        access.require(by, "documents.add_frdoexport")
    template = load(template_key)
    today = timezone.localdate()
    exported_ids: list[int] = []
    problems: list[str] = []
    total_problems = 0
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as scratch:
        with StreamingSheet(scratch.name, template.sheet, protected=True) as sheet:
            sheet.write_row([column["title"] for column in template.columns], bold=True)
            for r in records(documents_for(template, year, group, only_new)):
                values, row_problems = row_of(template, r, today)
                if row_problems:
                    total_problems += len(row_problems)
                    short = names.short_name(r["last_name"], r["first_name"], r["middle_name"])
                    who = f"Рег. № {r['registration_number']} ({short})"
                    problems.extend(
                        f"{who}: {p}" for p in row_problems[: MAX_REPORTED_ERRORS - len(problems)]
                    )
                elif not total_problems:  # once refused, rows are only checked, to report them all
                    sheet.write_row(values)
                    exported_ids.append(r["pk"])
        if total_problems:
            raise FrdoRefused(problems, total_problems)
        if not exported_ids:
            raise ValidationError("Нет документов для выгрузки: все уже выгружены и не менялись.")
        digest = hashlib.sha256(Path(scratch.name).read_bytes()).hexdigest()
        suffix = f"-{group.code}" if group else ""
        file_name = f"ФРДО-{template.key}-{year}{suffix}-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"
        record = FrdoExport.objects.create(
            template=template.key,
            template_version=template.version,
            year=year,
            group=group,
            only_new=only_new,
            rows=len(exported_ids),
            sha256=digest,
            file_name=file_name,
            created_by=by,
        )
        with open(scratch.name, "rb") as handle:  # noqa: PTH123
            record.file.save(file_name, File(handle), save=True)
    now = timezone.now()
    for start in range(0, len(exported_ids), 1000):
        Document.objects.filter(pk__in=exported_ids[start : start + 1000]).update(
            frdo_exported_at=now, frdo_export=record
        )
    audit.record(
        by=by,
        action=audit.Action.FRDO_EXPORTED,
        subject=record,
        after={
            "template": template.key,
            "version": template.version,
            "year": year,
            "rows": len(exported_ids),
        },
        extra={"sha256": digest},
    )
    return record


def overdue(documents: QuerySet[Document], today: dt.date | None = None) -> QuerySet[Document]:
    """Documents not yet reported whose reporting deadline (FRDO_REPORT_DAYS) has passed."""
    today = today or timezone.localdate()
    return documents.filter(
        frdo_exported_at__isnull=True,
        issued_on__lt=today - dt.timedelta(days=settings.FRDO_REPORT_DAYS),
    )
