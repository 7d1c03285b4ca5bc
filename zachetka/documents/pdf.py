"""Issued documents as PDF: one HTML template per kind (`documents/pdf/<kind>.html`, which the
organisation may override, see ZACHETKA_TEMPLATE_OVERRIDES), a QR code with the verification
link, and a layout that prints only the fields onto pre-printed blanks."""

import io
import zipfile
from collections.abc import Iterable

import segno
from django.conf import settings
from django.template.loader import render_to_string

from zachetka.core import grammar
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


def _html(document: Document, *, blank: bool) -> str:
    if blank:
        layouts = settings.DOCUMENT_BLANK_LAYOUTS
        layout = layouts.get(document.kind, layouts["default"])
        return render_to_string("documents/pdf/blank.html", document_context(document) | {"layout": layout})
    return render_to_string(f"documents/pdf/{document.kind}.html", document_context(document))


def _rendered(documents: Iterable[Document], *, blank: bool):  # noqa: ANN202 - weasyprint types
    from weasyprint import HTML

    return [HTML(string=_html(d, blank=blank), base_url=str(settings.BASE_DIR)).render() for d in documents]


def render_pdf(documents: list[Document], *, blank: bool = False) -> bytes:
    """One PDF holding every given document, each on its own pages."""
    rendered = _rendered(documents, blank=blank)
    pages = [page for doc in rendered for page in doc.pages]
    return rendered[0].copy(pages).write_pdf()


def file_name(document: Document) -> str:
    return f"{document.registration_number} {document.short_name}.pdf"


def render_zip(documents: list[Document], *, blank: bool = False) -> bytes:
    """A ZIP of one PDF per document, named «<рег. номер> <Фамилия И. О.>.pdf»."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document, rendered in zip(documents, _rendered(documents, blank=blank), strict=True):
            archive.writestr(file_name(document), rendered.write_pdf())
    return buffer.getvalue()
