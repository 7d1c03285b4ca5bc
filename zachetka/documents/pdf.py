"""Issued documents as PDF: one HTML template per kind (`documents/pdf/<kind>.html`, which the
organisation may override, see ZACHETKA_TEMPLATE_OVERRIDES), a QR code with the verification
link, and a layout that prints only the fields onto pre-printed blanks."""

import io
import zipfile
from collections.abc import Iterable

import segno
from django.conf import settings

from zachetka.core import grammar
from zachetka.core import pdf as core_pdf
from zachetka.documents import selectors
from zachetka.documents.models import Document


def verification_url(document: Document) -> str:
    return f"{settings.PUBLIC_URL}{document.verification_path()}"


def document_context(document: Document) -> dict:
    sex = document.sex
    return {
        "organization": settings.ORGANIZATION_NAME,
        "document": document,
        "dative_name": grammar.decline_name(
            document.last_name, document.first_name, document.middle_name, sex, "dative"
        ),
        "passed": grammar.by_sex(sex, "прошёл", "прошла"),
        "studied": grammar.by_sex(sex, "обучался", "обучалась"),
        "expelled": grammar.by_sex(sex, "отчислен", "отчислена"),
        "pronoun": grammar.by_sex(sex, "он", "она"),
        "to_them": grammar.by_sex(sex, "ему", "ей"),
        "enrollment": document.enrollment,
        "modules": selectors.studied_modules(document),
        "qr": segno.make(verification_url(document), error="m").svg_data_uri(scale=3, border=1),
        "verify_url": verification_url(document),
    }


def _rendered(documents: Iterable[Document], *, blank: bool) -> list:
    layouts = settings.DOCUMENT_BLANK_LAYOUTS
    rendered = []
    for document in documents:
        context = document_context(document)
        if blank:
            context["layout"] = layouts.get(document.kind, layouts["default"])
        template = "documents/pdf/blank.html" if blank else f"documents/pdf/{document.kind}.html"
        rendered.append(core_pdf.render(template, context))
    return rendered


def render_pdf(documents: list[Document], *, blank: bool = False) -> bytes:
    """One PDF holding every given document, each on its own pages."""
    return core_pdf.join_pdf(_rendered(documents, blank=blank))


def file_name(document: Document) -> str:
    return f"{document.registration_number} {document.short_name}.pdf"


def render_zip(documents: list[Document], *, blank: bool = False) -> bytes:
    """A ZIP of one PDF per document, named «<рег. номер> <Фамилия И. О.>.pdf»."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document, rendered in zip(documents, _rendered(documents, blank=blank), strict=True):
            archive.writestr(file_name(document), rendered.write_pdf())
    return buffer.getvalue()
