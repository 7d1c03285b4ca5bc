"""Rendering HTML templates to PDF (WeasyPrint; on Debian it needs libpango-1.0-0 and
libpangoft2-1.0-0, and fonts with Cyrillic such as fonts-dejavu-core)."""

from django.conf import settings
from django.template.loader import render_to_string


def render(template: str, context: dict):  # noqa: ANN201 - a weasyprint Document
    """The laid-out document, for callers that join several into one PDF."""
    from weasyprint import HTML  # imported late: loading it needs Pango

    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).render()


def render_pdf(template: str, context: dict) -> bytes:
    return render(template, context).write_pdf()


def join_pdf(documents: list) -> bytes:
    """One PDF with the pages of several rendered documents, in order."""
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()
