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

import xlsxwriter
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from zachetka.core import access, audit, names, snils
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


def _date(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _listed(list_name: str, key: Callable[[Document], str]) -> Callable[[Template, Document], str | None]:
    """A value from one of the template's lists; None (an error) when the key is not listed."""

    def read(template: Template, document: Document) -> str | None:
        raw = key(document)
        if raw in ("", None):
            return ""
        return template.value_lists[list_name].get(str(raw))

    return read


def _yes_no(state: str) -> Callable[[Template, Document], str]:
    return lambda template, d: template.value_lists["yes_no"]["true" if d.state == state else "false"]


def _original(attribute: str) -> Callable[[Template, Document], str | None]:
    def read(template: Template, document: Document) -> str | None:
        original = document.original if document.issue != Document.Issue.ORIGINAL else None
        if original is None:
            return ""
        if attribute == "kind":
            return template.value_lists["kind"].get(original.kind)
        if attribute == "series":
            return original.series_display
        if attribute == "issued_on":
            return _date(original.issued_on)
        return getattr(original, attribute)

    return read


def _learner(attribute: str) -> Callable[[Template, Document], str]:
    return lambda template, d: getattr(d.enrollment.learner, attribute) or ""


# How each field of a template's columns is read from a document.
FIELDS: dict[str, Callable[[Template, Document], str | None]] = {
    "kind": _listed("kind", lambda d: d.kind),
    "status": _listed("status", lambda d: d.issue),
    "lost": _yes_no(Document.State.LOST),
    "exchanged": _yes_no(Document.State.EXCHANGED),
    "destroyed": _yes_no(Document.State.DESTROYED),
    "series": lambda t, d: d.series_display,
    "number": lambda t, d: d.number,
    "issued_on": lambda t, d: _date(d.issued_on),
    "registration_number": lambda t, d: d.registration_number,
    "program_type": _listed("program_type", lambda d: d.program_kind),
    "program_title": lambda t, d: d.program_title,
    "field_of_activity": lambda t, d: d.field_of_activity,
    "specialty_groups": lambda t, d: "",
    "qualification": lambda t, d: d.qualification,
    "rank": lambda t, d: "",
    "education_level": _listed("education_level", lambda d: d.enrollment.learner.education_level),
    "diploma_last_name": _learner("diploma_last_name"),
    "diploma_series": _learner("diploma_series"),
    "diploma_number": _learner("diploma_number"),
    "start_year": lambda t, d: str(d.studied_from.year),
    "end_year": lambda t, d: str(d.studied_to.year),
    "hours": lambda t, d: str(d.hours),
    "last_name": lambda t, d: d.last_name,
    "first_name": lambda t, d: d.first_name,
    "middle_name": lambda t, d: d.middle_name,
    "birth_date": lambda t, d: _date(d.enrollment.learner.birth_date),
    "sex": _listed("sex", lambda d: d.sex),
    "snils": lambda t, d: snils.format_snils(d.enrollment.learner.snils),
    "study_form": _listed("study_form", lambda d: d.enrollment.group.program.study_form),
    "funding": _listed("funding", lambda d: d.enrollment.funding),
    "termination_form": lambda t, d: t.value_lists["termination_form"]["default"],
    "citizenship": _learner("citizenship"),
    "original_kind": _original("kind"),
    "original_series": _original("series"),
    "original_number": _original("number"),
    "original_registration_number": _original("registration_number"),
    "original_issued_on": _original("issued_on"),
    "original_last_name": _original("last_name"),
    "original_first_name": _original("first_name"),
    "original_middle_name": _original("middle_name"),
    "change_number": lambda t, d: "",
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


def row_of(template: Template, document: Document, today: dt.date) -> tuple[list[str], list[str]]:
    """The document's row in the template's column order, and what is wrong with it."""
    values, problems = [], []
    for column in template.columns:
        value = FIELDS[column["field"]](template, document)
        title = column["title"]
        if value is None:
            problems.append(f"«{title}» — значение не из списка шаблона")
            values.append("")
            continue
        value = str(value)
        values.append(value)
        required = column.get("required") or (
            column.get("required_from_2021") and document.issued_on.year >= MANDATORY_FROM_YEAR
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
    start, end = document.studied_from.year, document.studied_to.year
    if end < start:
        problems.append("год окончания обучения раньше года начала")
    return values, problems


def _rows(documents: QuerySet[Document]) -> Iterator[Document]:
    return (
        documents.select_related("enrollment__learner", "enrollment__group__program", "original")
        .order_by("registration_year", "registration_seq")
        .iterator(chunk_size=2000)
    )


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
        workbook = xlsxwriter.Workbook(scratch.name, {"constant_memory": True, "strings_to_numbers": False})
        sheet = workbook.add_worksheet(template.sheet)
        header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        sheet.write_row(0, 0, [column["title"] for column in template.columns], header)
        row_number = 0
        for document in _rows(documents_for(template, year, group, only_new)):
            values, row_problems = row_of(template, document, today)
            if row_problems:
                total_problems += len(row_problems)
                who = f"Рег. № {document.registration_number} ({document.short_name})"
                problems.extend(f"{who}: {p}" for p in row_problems[: MAX_REPORTED_ERRORS - len(problems)])
                continue
            if total_problems:
                continue  # refused anyway; keep checking to report every bad row
            row_number += 1
            sheet.write_row(row_number, 0, values)
            exported_ids.append(document.pk)
        workbook.close()
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
