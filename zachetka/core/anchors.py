"""Anchors of the audit chain, kept outside the database.

An anchor is the chain's head at one moment (sequence number, hash, time) signed with the
organisation's Ed25519 key. `manage.py audit_anchor` writes one a day to a directory on another
disk or host and/or e-mails it to the administration; `manage.py verify_audit` checks the trail
against every anchor it is given. A trail rewritten afterwards, even by someone who holds the
HMAC key, no longer has the anchored hash at the anchored number, and a forged anchor fails its
signature, because the private key is only where the anchoring job runs.
"""

import base64
import datetime as dt
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.utils import timezone

from zachetka.core.models import AuditChainHead

SCHEME = "zachetka-audit-anchor/1"
# An anchor is a few hundred bytes; anything much larger is not one of ours.
MAX_ANCHOR_BYTES = 4096


class AnchorError(Exception):
    """An anchor cannot be made or read; the message is for the operator, in Russian."""


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: dt.datetime
    source: str = ""


def _signed_bytes(seq: int, hash_: str, at: str) -> bytes:
    body = {"scheme": SCHEME, "seq": seq, "hash": hash_, "at": at}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("ascii")


def new_signing_key(path: Path) -> str:
    """Write a new Ed25519 private key to `path` (readable by its owner only); return the
    public key as base64, for ZACHETKA_AUDIT_ANCHOR_PUBLIC_KEY."""
    if path.exists():
        raise AnchorError(f"Файл {path} уже существует: ключ не перезаписывается.")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return public_key_text(key.public_key())


def public_key_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def _signing_key() -> Ed25519PrivateKey:
    path = settings.AUDIT_ANCHOR_SIGNING_KEY_FILE
    if not path:
        raise AnchorError(
            "Не задан ключ подписи привязок (ZACHETKA_AUDIT_ANCHOR_SIGNING_KEY_FILE); "
            "создайте его: manage.py audit_anchor --new-key <путь>."
        )
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError) as error:
        raise AnchorError(f"Ключ подписи привязок {path} не прочитан: {error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise AnchorError(f"Ключ {path} — не ключ Ed25519.")
    return key


def verification_key() -> Ed25519PublicKey:
    text = settings.AUDIT_ANCHOR_PUBLIC_KEY
    if not text:
        raise ImproperlyConfigured(
            "Не задан открытый ключ привязок (ZACHETKA_AUDIT_ANCHOR_PUBLIC_KEY): проверить их нечем."
        )
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except ValueError as error:
        raise ImproperlyConfigured("ZACHETKA_AUDIT_ANCHOR_PUBLIC_KEY — не открытый ключ Ed25519.") from error


def make_anchor() -> dict:
    """The signed document of the chain's head as it is now."""
    head = AuditChainHead.objects.filter(id=1).first()
    if head is None or head.last_seq == 0:
        raise AnchorError("Журнал аудита пуст: закреплять нечего.")
    at = timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds")
    signature = _signing_key().sign(_signed_bytes(head.last_seq, head.last_hash, at))
    return {
        "scheme": SCHEME,
        "seq": head.last_seq,
        "hash": head.last_hash,
        "at": at,
        "signature": base64.b64encode(signature).decode("ascii"),
    }


def file_name(document: dict) -> str:
    stamp = document["at"].replace("-", "").replace(":", "").replace("+0000", "Z")
    return f"audit-anchor-{document['seq']:012d}-{stamp}.json"


def write_anchor(document: dict, directory: Path) -> Path:
    """Store an anchor as a new read-only file; an existing file is never replaced."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / file_name(document)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        json.dump(document, file, indent=2, sort_keys=True)
        file.write("\n")
    return path


def email_anchor(document: dict, recipients: list[str]) -> None:
    when = dt.datetime.fromisoformat(document["at"])
    message = EmailMessage(
        subject=f"Привязка журнала аудита: событие №{document['seq']}",
        body=(
            f"Заголовок журнала аудита на {timezone.localtime(when):%d.%m.%Y %H:%M}: событие "
            f"№{document['seq']}, хэш {document['hash']}.\n\n"
            "Сохраните вложение вне системы: по нему manage.py verify_audit --anchors <файл> "
            "покажет, не переписан ли журнал после этого момента.\n"
        ),
        to=recipients,
    )
    message.attach(file_name(document), json.dumps(document, indent=2, sort_keys=True), "application/json")
    message.send()


def _parse(raw: bytes, source: str, key: Ed25519PublicKey) -> Anchor:
    try:
        document = json.loads(raw)
        seq, hash_, at = int(document["seq"]), str(document["hash"]), str(document["at"])
        signature = base64.b64decode(document["signature"], validate=True)
        if document.get("scheme") != SCHEME:
            raise ValueError(document.get("scheme"))
        moment = dt.datetime.fromisoformat(at)
    except (ValueError, KeyError, TypeError) as error:
        raise AnchorError(f"{source}: не файл привязки журнала аудита.") from error
    try:
        key.verify(signature, _signed_bytes(seq, hash_, at))
    except InvalidSignature as error:
        raise AnchorError(f"{source}: подпись привязки не сходится — файл подделан или изменён.") from error
    return Anchor(seq=seq, hash=hash_, at=moment, source=source)


def anchor_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return files


def load_anchors(paths: Iterable[Path]) -> tuple[list[Anchor], list[str]]:
    """Read and check the anchors in the given files and directories: the valid ones, and a
    message for each file that is not a genuine anchor."""
    files = anchor_files(paths)
    if not files:
        return [], []
    key = verification_key()
    anchors, problems = [], []
    for path in files:
        try:
            if path.stat().st_size > MAX_ANCHOR_BYTES:
                raise AnchorError(f"{path}: не файл привязки журнала аудита.")
            anchors.append(_parse(path.read_bytes(), str(path), key))
        except AnchorError as error:
            problems.append(str(error))
        except OSError as error:
            problems.append(f"{path}: не прочитан ({error.strerror}).")
    return anchors, problems


def configured_paths() -> list[Path]:
    return [Path(settings.AUDIT_ANCHOR_DIR)] if settings.AUDIT_ANCHOR_DIR else []
