"""Rendering HTML templates to PDF (WeasyPrint; on Debian it needs libpango-1.0-0 and
libpangoft2-1.0-0, and fonts with Cyrillic such as fonts-dejavu-core)."""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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


# WeasyPrint tells its progress through the documented «weasyprint.progress» logger («Step 5 -
# Creating layout - Page 12», «Step 6 - Creating PDF»): a long layout (the registry book of
# 5,000 documents takes minutes) is reported page by page to whoever listens in this thread.
_listeners = threading.local()


class _ProgressHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        listener = getattr(_listeners, "current", None)
        if listener is None:
            return
        message = record.getMessage()
        if message.startswith(_LAYOUT) and "up-to-date" not in message:
            page = message.removeprefix(_LAYOUT).strip()
            if page.isdigit():
                listener(f"вёрстка PDF: страница {page}", force=False)
        elif message.startswith(_WRITING):
            listener("сборка PDF", force=True)


_LAYOUT = "Step 5 - Creating layout - Page"
_WRITING = "Step 6 - Creating PDF"
_progress_logger = logging.getLogger("weasyprint.progress")
_progress_logger.addHandler(_ProgressHandler())
_progress_logger.setLevel(logging.INFO)
# Its steps are for the job's progress bar, not for the worker's log.
_progress_logger.propagate = False


@contextmanager
def reporting(on_stage: Callable[..., None] | None) -> Iterator[None]:
    """While inside, WeasyPrint's layout in this thread tells `on_stage(text, force=...)` each
    page it lays out («вёрстка PDF: страница 12», force=False: the listener may skip some) and
    when it writes the file («сборка PDF», force=True)."""
    previous = getattr(_listeners, "current", None)
    _listeners.current = on_stage
    try:
        yield
    finally:
        _listeners.current = previous
