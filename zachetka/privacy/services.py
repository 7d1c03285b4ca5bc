"""Writes of the privacy app: recipients, consents (new versions only), signed scans,
withdrawals and their 30-day task, disclosures. One transaction each, audited."""

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zachetka.achievements.services import check_evidence
from zachetka.core import access, audit, names, roles
from zachetka.core.inn import inn_error
from zachetka.organization import selectors as organization
from zachetka.people.models import Learner
from zachetka.privacy import selectors
from zachetka.privacy.models import (
    Category,
    Consent,
    Disclosure,
    ProcessingAction,
    Recipient,
    RecipientAccount,
    Withdrawal,
)
from zachetka.staff import services as staff_services

# A scan of a signed page or two: large enough for a 600 dpi colour scan, small enough to store.
SCAN_MAX_BYTES = 10 * 1024 * 1024


def check_scan(upload: UploadedFile | None, field: str = "scan") -> str:
    """Refuse a missing, too large or fake scan (type by content, not by name, and no hidden
    markup: the same check as achievements' evidence); return the extension of what it is."""
    if upload is None:
        raise ValidationError({field: "Приложите скан подписанного документа (PDF, PNG или JPEG)."})
    return check_evidence(upload, field=field, limit=SCAN_MAX_BYTES).extension


def _sha256_of(upload: UploadedFile) -> str:
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _check_choices(field: str, values: list[str], choices: type, what: str) -> list[str]:
    allowed = {value for value, _ in choices.choices}
    if not values:
        raise ValidationError({field: f"Отметьте хотя бы {what}."})
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise ValidationError({field: f"Неизвестные значения: {', '.join(unknown)}."})
    # Stored in the order of the list, once each: two equal consents read the same.
    return [value for value, _ in choices.choices if value in values]


@transaction.atomic
def create_recipient(*, by: User, name: str, kind: str, inn: str, address: str) -> Recipient:
    """Add a third party that may receive learners' data."""
    name, inn, address = name.strip(), inn.strip(), address.strip()
    if not name:
        raise ValidationError({"name": "Укажите наименование получателя."})
    if not address:
        raise ValidationError({"address": "Укажите адрес получателя."})
    if kind == Recipient.Kind.LEGAL and not inn:
        raise ValidationError({"inn": "У юридического лица укажите ИНН."})
    if inn and (problem := inn_error(inn)):
        raise ValidationError({"inn": problem})
    if inn and Recipient.objects.filter(inn=inn).exists():
        raise ValidationError({"inn": f"Получатель с ИНН {inn} уже есть в списке."})
    recipient = Recipient.objects.create(name=name, kind=kind, inn=inn, address=address, created_by=by)
    audit.record(
        by=by, action=audit.Action.RECIPIENT_CREATED, subject=recipient, after={"name": name, "inn": inn}
    )
    return recipient


@transaction.atomic
def record_consent(
    *,
    by: User,
    learner: Learner,
    recipient: Recipient,
    purpose: str,
    categories: list[str],
    actions: list[str],
    valid_from: dt.date,
    valid_to: dt.date,
    withdrawal_method: str,
    subject_address: str,
    subject_id_document: str,
    representative_name: str = "",
    representative_address: str = "",
    representative_id_document: str = "",
    representative_authority: str = "",
    supersedes: Consent | None = None,
) -> Consent:
    """Record a consent's text (to print, sign and scan back), or a new version of one: the old
    version stays as it was, superseded."""
    categories = _check_choices("categories", categories, Category, "одну категорию данных")
    actions = _check_choices("actions", actions, ProcessingAction, "одно действие с данными")
    for field, value, message in (
        ("purpose", purpose, "Укажите цель передачи."),
        ("withdrawal_method", withdrawal_method, "Укажите, как отозвать согласие."),
        ("subject_address", subject_address, "Укажите адрес субъекта."),
        ("subject_id_document", subject_id_document, "Укажите документ, удостоверяющий личность."),
    ):
        if not value.strip():
            raise ValidationError({field: message})
    if valid_to < valid_from:
        raise ValidationError({"valid_to": "Срок действия кончается раньше, чем начинается."})
    if representative_name.strip():
        problem = names.name_part_error(representative_name.strip(), names.FULL_NAME_MAX_LENGTH)
        if problem:
            raise ValidationError({"representative_name": f"ФИО представителя: {problem}."})
        if not representative_authority.strip():
            raise ValidationError(
                {
                    "representative_authority": "Согласие даёт представитель: "
                    "укажите документ о его полномочиях."
                }
            )
    version = 1
    if supersedes is not None:
        supersedes = Consent.objects.select_for_update().get(pk=supersedes.pk)
        if supersedes.learner_id != learner.pk or supersedes.recipient_id != recipient.pk:
            raise ValidationError("Новая версия согласия — того же слушателя и того же получателя.")
        if Consent.objects.filter(supersedes=supersedes).exists():
            raise ValidationError("Эта версия уже заменена более новой: измените последнюю версию.")
        if Withdrawal.objects.filter(consent=supersedes).exists():
            raise ValidationError("Согласие отозвано: новую версию не составить, нужно новое согласие.")
        version = supersedes.version + 1
    requisites = organization.current()
    consent = Consent.objects.create(
        learner=learner,
        version=version,
        supersedes=supersedes,
        subject_address=subject_address.strip(),
        subject_id_document=subject_id_document.strip(),
        representative_name=representative_name.strip(),
        representative_address=representative_address.strip(),
        representative_id_document=representative_id_document.strip(),
        representative_authority=representative_authority.strip(),
        operator_name=requisites.full_name,
        operator_address=requisites.address or requisites.city,
        recipient=recipient,
        purpose=purpose.strip(),
        categories=categories,
        actions=actions,
        valid_from=valid_from,
        valid_to=valid_to,
        withdrawal_method=withdrawal_method.strip(),
        created_by=by,
    )
    audit.record(
        by=by,
        action=audit.Action.CONSENT_RECORDED,
        subject=consent,
        after={
            "recipient": recipient.name,
            "categories": categories,
            "valid": [valid_from, valid_to],
            "version": version,
            "supersedes": supersedes.pk if supersedes else None,
        },
    )
    return consent


@transaction.atomic
def attach_scan(*, by: User, consent: Consent, scan: UploadedFile | None, signed_on: dt.date) -> Consent:
    """Attach the scan of the signed consent, once; from then (within its period) it authorises."""
    extension = check_scan(scan)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.is_signed:
        raise ValidationError("Скан уже приложен; изменить согласие можно только новой версией.")
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "Дата подписания не может быть в будущем."})
    if signed_on < consent.created_at.date() - dt.timedelta(days=1):
        raise ValidationError({"signed_on": "Дата подписания раньше, чем согласие составлено."})
    consent.scan_sha256 = _sha256_of(scan)
    consent.scan.save(f"{uuid.uuid4().hex}{extension}", scan, save=False)
    consent.signed_on, consent.scan_attached_by = signed_on, by
    consent.save(update_fields=list(Consent.SCAN_FIELDS))
    audit.record(
        by=by, action=audit.Action.CONSENT_SIGNED, subject=consent, after={"sha256": consent.scan_sha256}
    )
    return consent


@transaction.atomic
def withdraw(*, by: User, consent: Consent, received_on: dt.date, scan: UploadedFile | None) -> Withdrawal:
    """Record a consent's withdrawal: from `received_on` it authorises nothing, and the 30-day
    duty to stop processing and destroy the data (art. 21 p. 5) opens as a task."""
    extension = check_scan(scan)
    # The learner is locked first, as `disclose` does: a disclosure at the same moment either
    # comes before the withdrawal or sees it.
    Learner.objects.select_for_update().get(pk=consent.learner_id)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if Consent.objects.filter(supersedes=consent).exists():
        raise ValidationError("Эта версия согласия заменена: отзыв относится к последней версии.")
    if Withdrawal.objects.filter(consent=consent).exists():
        raise ValidationError("Согласие уже отозвано.")
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "Дата поступления отзыва не может быть в будущем."})
    withdrawal = Withdrawal(
        consent=consent, received_on=received_on, scan_sha256=_sha256_of(scan), recorded_by=by
    )
    withdrawal.scan.save(f"{uuid.uuid4().hex}{extension}", scan, save=False)
    withdrawal.save()
    audit.record(
        by=by,
        action=audit.Action.CONSENT_WITHDRAWN,
        subject=consent,
        after={"received_on": received_on, "due_on": withdrawal.due_on, "sha256": withdrawal.scan_sha256},
    )
    return withdrawal


@transaction.atomic
def close_withdrawal(*, by: User, withdrawal: Withdrawal, note: str) -> Withdrawal:
    """Close the 30-day task of a withdrawal, saying what was stopped and destroyed."""
    if not note.strip():
        raise ValidationError({"note": "Опишите, что сделано: обработка прекращена, данные уничтожены."})
    withdrawal = Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)
    if withdrawal.closed_at is not None:
        raise ValidationError("Задача по этому отзыву уже закрыта.")
    withdrawal.closed_at, withdrawal.closed_by, withdrawal.close_note = timezone.now(), by, note.strip()
    withdrawal.save(update_fields=list(Withdrawal.CLOSING_FIELDS))
    audit.record(
        by=by,
        action=audit.Action.WITHDRAWAL_CLOSED,
        subject=withdrawal.consent,
        after={"late": timezone.localdate() > withdrawal.due_on},
        reason=withdrawal.close_note,
    )
    return withdrawal


def refusal(learner: Learner, recipient: Recipient, categories: list[str], on: dt.date) -> str:
    """Why no consent lets `recipient` receive `categories` of the learner on `on` (Russian)."""
    wanted = ", ".join(Category(value).label for value in categories)
    base = (
        f"Передача отклонена: у {learner.full_name} нет действующего согласия на передачу «{recipient.name}»"
    )
    consents = list(
        Consent.objects.filter(learner=learner, recipient=recipient).current().select_related("withdrawal")
    )
    if not consents:
        return f"{base} ({wanted}). Оформите согласие или укажите основание в федеральном законе."
    reasons = []
    for consent in consents:
        if hasattr(consent, "withdrawal") and consent.withdrawal.received_on <= on:
            reasons.append(f"согласие № {consent.pk} отозвано {consent.withdrawal.received_on:%d.%m.%Y}")
        elif not consent.is_signed:
            reasons.append(f"к согласию № {consent.pk} не приложен подписанный скан")
        elif not consent.valid_from <= on <= consent.valid_to:
            reasons.append(
                f"согласие № {consent.pk} действует "
                f"с {consent.valid_from:%d.%m.%Y} по {consent.valid_to:%d.%m.%Y}"
            )
        else:
            missing = [Category(value).label for value in categories if value not in consent.categories]
            reasons.append(f"согласие № {consent.pk} не охватывает: {', '.join(missing)}")
    return f"{base}: {'; '.join(reasons)}."


@transaction.atomic
def disclose(
    *,
    by: User,
    learner: Learner,
    recipient: Recipient,
    categories: list[str],
    channel: str,
    formats: tuple[str, ...] = ("pdf",),
    legal_ground: str = "",
    ground_document: UploadedFile | None = None,
) -> Disclosure:
    """Give a third party an extract of the learner's data: only on a consent in force that
    covers the recipient and every category, or on a named federal-law ground with its
    document. The extract is generated here and kept with its SHA-256; nothing is made when
    the transfer is refused."""
    categories = _check_choices("categories", categories, Category, "одну категорию данных")
    if channel not in Disclosure.Channel.values:
        raise ValidationError({"channel": "Выберите способ передачи."})
    if not formats or set(formats) - {"pdf", "xlsx"}:
        raise ValidationError({"formats": "Выберите, что сформировать: PDF и (или) XLSX."})
    now = timezone.now()
    today = timezone.localdate(now)
    # The learner is locked so that a withdrawal recorded at the same moment is seen.
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    consent = None
    ground_sha = ""
    if legal_ground.strip():
        extension = check_scan(ground_document, field="ground_document")
        ground_sha = _sha256_of(ground_document)
    else:
        consent = Consent.objects.filter(learner=learner).covering(
            recipient=recipient, categories=categories, on=today
        )
        if consent is None:
            raise ValidationError(refusal(learner, recipient, categories, today))
    content = selectors.extract(learner, categories)
    disclosure = Disclosure(
        learner=learner,
        recipient=recipient,
        categories=categories,
        channel=channel,
        given_by=by,
        given_at=now,
        consent=consent,
        legal_ground=legal_ground.strip(),
        ground_document_sha256=ground_sha,
    )
    if ground_sha:
        disclosure.ground_document.save(f"{uuid.uuid4().hex}{extension}", ground_document, save=False)
    stem = uuid.uuid4().hex
    header = {
        "recipient": recipient,
        "given_at": now,
        "basis": consent or legal_ground.strip(),
        "learner": learner,
    }
    if "pdf" in formats:
        data = selectors.extract_pdf(content, header)
        disclosure.pdf_sha256 = hashlib.sha256(data).hexdigest()
        disclosure.pdf.save(f"{stem}.pdf", ContentFile(data), save=False)
    if "xlsx" in formats:
        data = selectors.extract_xlsx(content, header)
        disclosure.xlsx_sha256 = hashlib.sha256(data).hexdigest()
        disclosure.xlsx.save(f"{stem}.xlsx", ContentFile(data), save=False)
    disclosure.save()
    audit.record(
        by=by,
        action=audit.Action.DATA_DISCLOSED,
        subject=disclosure,
        after={
            "recipient": recipient.name,
            "categories": categories,
            "channel": channel,
            "basis": disclosure.basis,
            "pdf_sha256": disclosure.pdf_sha256,
            "xlsx_sha256": disclosure.xlsx_sha256,
        },
    )
    return disclosure


@transaction.atomic
def record_system_view(
    *, by: User, learner: Learner, recipient: Recipient, categories: list[str]
) -> Disclosure:
    """Log a recipient's representative viewing a learner in the system as a disclosure resting
    on the consent that allows it; refused (nothing shown) without one."""
    today = timezone.localdate()
    consent = Consent.objects.filter(learner=learner).covering(
        recipient=recipient, categories=categories, on=today
    )
    if consent is None:
        raise ValidationError(refusal(learner, recipient, categories, today))
    disclosure = Disclosure.objects.create(
        learner=learner,
        recipient=recipient,
        categories=categories,
        channel=Disclosure.Channel.SYSTEM,
        given_by=by,
        given_at=timezone.now(),
        consent=consent,
    )
    audit.record(
        by=by,
        action=audit.Action.DATA_DISCLOSED,
        subject=disclosure,
        after={
            "recipient": recipient.name,
            "categories": categories,
            "channel": "system",
            "basis": disclosure.basis,
        },
    )
    return disclosure


def forget_files(*, learner_id: int) -> int:
    """Delete the stored files about a learner whose personal data is being destroyed (a
    destruction act): consent and withdrawal scans, what was sent, the grounds' documents. The
    records stay, as the proof of what was consented to and given; the files go once the act's
    transaction commits, so a rolled-back act loses nothing. Returns how many files go."""
    files = []
    for consent in Consent.objects.filter(learner_id=learner_id).select_related("withdrawal"):
        files.append(consent.scan)
        withdrawal = getattr(consent, "withdrawal", None)
        if withdrawal is not None:
            files.append(withdrawal.scan)
    for disclosure in Disclosure.objects.filter(learner_id=learner_id):
        files.extend((disclosure.pdf, disclosure.xlsx, disclosure.ground_document))
    stored = [(f.storage, f.name) for f in files if f and f.storage.exists(f.name)]
    for storage, name in stored:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    return len(stored)


# --- Representatives' accounts ---

ADD_ACCOUNT = "privacy.add_recipientaccount"
CHANGE_ACCOUNT = "privacy.change_recipientaccount"


@dataclass(frozen=True)
class NewRepresentative:
    account: RecipientAccount
    link: str


@transaction.atomic
def create_representative(
    *,
    by: User,
    recipient: Recipient,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    email: str,
    username: str = "",
) -> NewRepresentative:
    """Open an account for the recipient organisation's representative (role «Представитель
    организации»): they see only learners whose consent covers the organisation. No password:
    the person sets it through the one-time link (the staff accounts' mechanism)."""
    access.require(by, ADD_ACCOUNT)
    user = staff_services.open_user_account(
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        email=email,
        username=username,
        role=roles.EMPLOYER,
    )
    account = RecipientAccount.objects.create(user=user, recipient=recipient)
    audit.record(
        by=by,
        action=audit.Action.REPRESENTATIVE_CREATED,
        subject=user,
        after={
            "username": user.username,
            "name": names.user_full_name(user),
            "email": user.email,
            "recipient": recipient.name,
            "recipient_id": recipient.pk,
        },
    )
    return NewRepresentative(account=account, link=staff_services.password_link(user))


@transaction.atomic
def deactivate_representative(*, by: User, account: RecipientAccount, reason: str) -> User:
    """Close a representative's access (never deleted: the disclosures they viewed name them)."""
    access.require(by, CHANGE_ACCOUNT)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Основание: укажите, почему доступ закрывается."})
    user = User.objects.select_for_update().get(pk=account.user_id)
    if not user.is_active:
        raise ValidationError(f"{names.user_full_name(user)}: учётная запись уже деактивирована.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(
        by=by,
        action=audit.Action.REPRESENTATIVE_DEACTIVATED,
        subject=user,
        before={"is_active": True},
        after={"is_active": False},
        reason=reason[:255],
        extra={"recipient": account.recipient.name, "recipient_id": account.recipient_id},
    )
    return user
