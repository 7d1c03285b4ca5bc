"""Staging an uploaded learners file between its preview and the registrar's confirmation.

A staged file holds personal data and is kept no longer than the import needs it: it is
deleted once the import is confirmed, cancelled or refused, when the same person uploads
another file, and, if abandoned, after `IMPORT_STAGING_HOURS` — swept at every upload and by
`manage.py clean_import_staging`. It waits in the `imports` storage (core.storage), which every
app server shares: the preview and the confirmation may be served by different servers.
"""

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.base import ContentFile
from django.utils import timezone

from zachetka.core import storage

SESSION_KEY = "learner_import"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass
class StagedFile:
    token: str
    filename: str
    group_id: int | None
    # The admission order the import writes into every enrolment it creates.
    admission_order_number: str = ""
    admission_order_date: dt.date | None = None
    # Learners in the file, as the preview counted them: a big file is imported in the background.
    rows: int = 0

    @property
    def name(self) -> str:
        if not _TOKEN.match(self.token):
            raise ValueError("Not a staging token.")
        return f"{self.token}.upload"

    def exists(self) -> bool:
        return storage.import_staging().exists(self.name)

    def read(self) -> bytes:
        with storage.import_staging().open(self.name, "rb") as file:
            return file.read()

    def discard(self) -> None:
        storage.import_staging().delete(self.name)  # deleting a missing file is no error


def sweep() -> int:
    """Delete staged files older than IMPORT_STAGING_HOURS; return how many were deleted."""
    staging = storage.import_staging()
    try:
        _, names = staging.listdir("")
    except FileNotFoundError:  # nothing staged yet on this path
        return 0
    cutoff = timezone.now() - dt.timedelta(hours=settings.IMPORT_STAGING_HOURS)
    deleted = 0
    for name in names:
        if not name.endswith(".upload"):
            continue
        try:
            if staging.get_modified_time(name) < cutoff:
                staging.delete(name)
                deleted += 1
        except FileNotFoundError:  # swept meanwhile by a parallel request
            continue
    return deleted


def stage(
    content: bytes,
    filename: str,
    group_id: int | None,
    *,
    admission_order_number: str = "",
    admission_order_date: dt.date | None = None,
    rows: int = 0,
) -> StagedFile:
    sweep()
    staged = StagedFile(
        token=secrets.token_urlsafe(24),
        filename=Path(filename).name[:200],
        group_id=group_id,
        admission_order_number=admission_order_number,
        admission_order_date=admission_order_date,
        rows=rows,
    )
    saved = storage.import_staging().save(staged.name, ContentFile(content))
    if saved != staged.name:  # a random 192-bit token is never taken; never read another's file
        raise RuntimeError("Staging token collision.")
    return staged


def to_session(staged: StagedFile) -> dict:
    order_date = staged.admission_order_date
    return {
        "token": staged.token,
        "filename": staged.filename,
        "group_id": staged.group_id,
        "admission_order_number": staged.admission_order_number,
        "admission_order_date": order_date.isoformat() if order_date else "",
        "rows": staged.rows,
    }


def from_session(data: dict | None, token: str) -> StagedFile | None:
    if not data or not token or not secrets.compare_digest(str(data.get("token", "")), token):
        return None
    order_date = data.get("admission_order_date") or ""
    staged = StagedFile(
        token=data["token"],
        filename=data["filename"],
        group_id=data.get("group_id"),
        admission_order_number=str(data.get("admission_order_number") or ""),
        admission_order_date=dt.date.fromisoformat(order_date) if order_date else None,
        rows=int(data.get("rows") or 0),
    )
    return staged if _TOKEN.match(staged.token) and staged.exists() else None


def hand_over(session: SessionBase) -> None:
    """Drop the session's note of its staged file but keep the file: a background import has
    taken it over and deletes it when done."""
    session.pop(SESSION_KEY, None)


def forget(session: SessionBase) -> None:
    """Delete the file this session staged, if any, and its note in the session."""
    data = session.pop(SESSION_KEY, None)
    if data and _TOKEN.match(str(data.get("token", ""))):
        StagedFile(token=data["token"], filename="", group_id=None).discard()
