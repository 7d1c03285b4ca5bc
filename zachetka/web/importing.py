"""Staging an uploaded learners file between its preview and the registrar's confirmation."""

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SESSION_KEY = "learner_import"


@dataclass
class StagedFile:
    token: str
    filename: str
    group_id: int | None

    @property
    def path(self) -> Path:
        return Path(settings.IMPORT_STAGING_DIR) / f"{self.token}.upload"

    def read(self) -> bytes:
        return self.path.read_bytes()

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def stage(content: bytes, filename: str, group_id: int | None) -> StagedFile:
    staged = StagedFile(
        token=secrets.token_urlsafe(24), filename=Path(filename).name[:200], group_id=group_id
    )
    staged.path.parent.mkdir(parents=True, exist_ok=True)
    staged.path.write_bytes(content)
    return staged


def to_session(staged: StagedFile) -> dict:
    return {"token": staged.token, "filename": staged.filename, "group_id": staged.group_id}


def from_session(data: dict | None, token: str) -> StagedFile | None:
    if not data or not token or not secrets.compare_digest(str(data.get("token", "")), token):
        return None
    staged = StagedFile(token=data["token"], filename=data["filename"], group_id=data.get("group_id"))
    return staged if staged.path.exists() else None
