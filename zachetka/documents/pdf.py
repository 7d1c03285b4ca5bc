"""Issued documents as PDF: one HTML template per kind (`documents/pdf/<kind>.html`, which the
organisation may override, see ZACHETKA_TEMPLATE_OVERRIDES), a QR code with the verification
link, and a layout that prints only the fields onto pre-printed blanks."""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import segno
from django.conf import settings

from zachetka.core import dates, grammar, plural, typography
from zachetka.core import pdf as core_pdf
from zachetka.documents import selectors
from zachetka.documents.models import Document
from zachetka.organization import selectors as organization
from zachetka.organization.models import Requisites

# Reports progress as a job's Progress.step: (units done, units in all, the stage in Russian,
# force=False).
Step = Callable[..., None]


def verification_url(document: Document) -> str:
    return f"{settings.PUBLIC_URL}{document.verification_path()}"


# A document no longer valid prints with its state across every page, so a copy of it cannot
# pass for a valid one.
INVALID_MARKS = {
    Document.State.LOST: "ДУБЛИКАТ ВЫДАН",
    Document.State.EXCHANGED: "ОБМЕНЯН",
    Document.State.DESTROYED: "БЛАНК УНИЧТОЖЕН",
    Document.State.REVOKED: "АННУЛИРОВАН",
    Document.State.VOIDED: "НЕДЕЙСТВИТЕЛЕН · ПРОТОКОЛ АННУЛИРОВАН",
}

# Documents printed with a supplement (приложение) listing the modules and their results.
HAS_SUPPLEMENT = {Document.Kind.RETRAINING_DIPLOMA}

# The program as a document names it after «по».
PROGRAM_PHRASES = {
    "pk": "дополнительной профессиональной программе повышения квалификации",
    "pp": "дополнительной профессиональной программе профессиональной переподготовки",
    "po": "программе профессионального обучения",
    "other": "программе",
}


def document_context(document: Document, requisites: Requisites | None = None) -> dict:
    """What a document's templates print: its stored fields, the organisation's requisites, the
    words that agree with the holder's sex, and what the record says at the time of printing
    (module results, the final attestation) for the справка and the diploma's supplement."""
    sex = document.sex
    modules = selectors.module_results(document)
    replacement = document.replacements.order_by("registration_year", "registration_seq").first()
    return {
        "requisites": requisites or organization.current(),
        "document": document,
        "dative_name": grammar.decline_name(
            document.last_name, document.first_name, document.middle_name, sex, "dative"
        ),
        "passed": grammar.by_sex(sex, "прошёл", "прошла"),
        "studied": grammar.by_sex(sex, "обучался", "обучалась"),
        "expelled": grammar.by_sex(sex, "отчислен", "отчислена"),
        "pronoun": grammar.by_sex(sex, "он", "она"),
        "to_them": grammar.by_sex(sex, "ему", "ей"),
        "program_phrase": PROGRAM_PHRASES.get(document.program_kind, "программе"),
        "enrollment": document.enrollment,
        "modules": modules,
        "passed_modules": [module for module in modules if module.is_passing],
        "passed_hours": sum(module.hours for module in modules if module.is_passing),
        "final": selectors.final_result(document),
        "invalid_mark": INVALID_MARKS.get(document.state, ""),
        "replacement": replacement,
        "qr": segno.make(verification_url(document), error="m").svg_data_uri(scale=3, border=1),
        "verify_url": verification_url(document),
    }


@dataclass(frozen=True)
class Spot:
    """A text printed at a place of a pre-printed blank (millimetres from the top-left corner)."""

    left: float
    top: float
    size: float  # points
    width: float | None  # millimetres the text may wrap within; None keeps it on one line
    text: str


def _spots(positions: dict[str, list], values: dict[str, str]) -> list[Spot]:
    spots = []
    for name, position in positions.items():
        text = values.get(name, "")
        if text:
            left, top, size, *width = position
            spots.append(Spot(left, top, size, width[0] if width else None, typography.typeset(text)))
    return spots


def _hours(hours: int) -> str:
    return plural.count_with(hours, "час", "часа", "часов")


def blank_spots(context: dict, layout: dict) -> list[Spot]:
    """The fields a blank's layout places, filled from the document and the requisites."""
    document, requisites = context["document"], context["requisites"]
    values = {
        "duplicate": "ДУБЛИКАТ" if document.issue == Document.Issue.DUPLICATE else "",
        "registration_number": document.registration_number,
        "issued_on": dates.format_date(document.issued_on),
        "full_name": document.full_name,
        "dative_name": context["dative_name"],
        "program_title": document.program_title,
        "hours": _hours(document.hours),
        "studied": (
            f"с {dates.format_date(document.studied_from)} по {dates.format_date(document.studied_to)}"
        ),
        "qualification": document.qualification,
        "qualification_grade": document.qualification_grade,
        "series": document.series,
        "number": document.number,
        "organization": requisites.full_name,
        "city": requisites.city,
        "head_post": requisites.head_post,
        "head_name": requisites.head_signature,
        "secretary_name": requisites.secretary_signature,
    }
    return _spots(layout.get("fields", {}), values)


def supplement_spots(context: dict, layout: dict) -> list[Spot]:
    """A diploma's supplement on its blank: the holder, a row per module (hours and result in
    words), the total hours and the final attestation."""
    document, requisites, final = context["document"], context["requisites"], context["final"]
    values = {
        "registration_number": document.registration_number,
        "full_name": document.full_name,
        "program_title": document.program_title,
        "qualification": document.qualification,
        "total_hours": _hours(document.hours),
        "final_form": f"Итоговая аттестация: {final.form}" if final else "",
        "final_topic": f"Тема: «{final.topic}»" if final and final.topic else "",
        "final_result": final.result if final else "",
        "city": requisites.city,
        "head_name": requisites.head_signature,
        "secretary_name": requisites.secretary_signature,
    }
    spots = _spots(layout.get("fields", {}), values)
    table = layout.get("table")
    if table:
        columns, size = table["columns"], table["size"]
        for index, module in enumerate(context["modules"]):
            top = table["top"] + index * table["row"]
            cells = {
                "order": str(module.order),
                "title": module.title,
                "hours": str(module.hours),
                "result": module.result or "—",
            }
            for name, text in cells.items():
                if name in columns:
                    width = table.get("title_width") if name == "title" else None
                    spots.append(
                        Spot(table["left"] + columns[name], top, size, width, typography.typeset(text))
                    )
    return spots


def _rendered(documents: list[Document], *, blank: bool, on_step: Step | None = None, total: int = 0) -> list:
    """The documents laid out, each told to `on_step` as the first of `total` units (the
    caller's later units: assembling the file)."""
    layouts = settings.DOCUMENT_BLANK_LAYOUTS
    requisites = organization.current()
    rendered = []
    for number, document in enumerate(documents, start=1):
        if on_step is not None:
            on_step(number - 1, total or len(documents), f"документ {number} из {len(documents)}")
        context = document_context(document, requisites)
        if blank:
            layout = layouts.get(document.kind, layouts["default"])
            context["layout"] = layout
            context["spots"] = blank_spots(context, layout)
            if document.kind in HAS_SUPPLEMENT:
                supplement = layout.get("supplement") or layouts["default"]["supplement"]
                context["supplement_layout"] = supplement
                context["supplement_spots"] = supplement_spots(context, supplement)
        template = "documents/pdf/blank.html" if blank else f"documents/pdf/{document.kind}.html"
        rendered.append(core_pdf.render(template, context))
    return rendered


def render_pdf(documents: list[Document], *, blank: bool = False, on_step: Step | None = None) -> bytes:
    """One PDF holding every given document, each on its own pages: a unit of work per
    document, and the last one for writing the file from all of them."""
    total = len(documents) + 1
    rendered = _rendered(documents, blank=blank, on_step=on_step, total=total)
    if on_step is not None:
        on_step(
            len(documents), total, f"сборка PDF: {len(documents)} из {len(documents)} документов", force=True
        )
    return core_pdf.join_pdf(rendered)


def file_name(document: Document) -> str:
    return f"{document.registration_number} {document.short_name}.pdf"


def render_zip(documents: list[Document], *, blank: bool = False, on_step: Step | None = None) -> bytes:
    """A ZIP of one PDF per document, named «<рег. номер> <Фамилия И. О.>.pdf»: a unit of work
    per document laid out, then one per document written to the archive."""
    buffer = io.BytesIO()
    count = len(documents)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        rendered_all = _rendered(documents, blank=blank, on_step=on_step, total=2 * count)
        for number, (document, rendered) in enumerate(zip(documents, rendered_all, strict=True), start=1):
            if on_step is not None:
                on_step(count + number - 1, 2 * count, f"сборка PDF: документ {number} из {count}")
            archive.writestr(file_name(document), rendered.write_pdf())
    return buffer.getvalue()
