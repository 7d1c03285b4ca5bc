import datetime as dt
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zachetka.core import roles
from zachetka.privacy import services
from zachetka.privacy.models import Consent, Recipient, RecipientAccount

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _today(time_machine) -> None:
    time_machine.move_to(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def scan() -> Callable[..., SimpleUploadedFile]:
    def make(
        name: str = "scan.pdf", content: bytes = b"%PDF-1.4\n% signed consent\n%%EOF"
    ) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, content, content_type="application/pdf")

    return make


@pytest.fixture
def employer_org(registrar) -> Recipient:
    return services.create_recipient(
        by=registrar,
        name="ООО «Ромашка»",
        kind="legal",
        inn="7707083893",
        address="г. Москва, ул. Ленина, д. 1",
    )


@pytest.fixture
def other_org(registrar) -> Recipient:
    return services.create_recipient(
        by=registrar, name="АО «Лютик»", kind="legal", inn="7736050003", address="г. Москва"
    )


@pytest.fixture
def make_consent(registrar, scan) -> Callable[..., Consent]:
    def make(
        learner, recipient, *, categories=("identity", "progress", "final"), signed=True, **fields
    ) -> Consent:  # noqa: ANN001
        values = {
            "purpose": "Подтверждение обучения работника для работодателя",
            "categories": list(categories),
            "actions": ["store", "use", "transfer"],
            "valid_from": dt.date(2026, 9, 1),
            "valid_to": dt.date(2027, 8, 31),
            "withdrawal_method": "Письменное заявление оператору.",
            "subject_address": "г. Москва, ул. Мира, д. 2, кв. 3",
            "subject_id_document": "паспорт 4510 123456, выдан ОВД «Тверской» 01.02.2010",
        } | fields
        consent = services.record_consent(by=registrar, learner=learner, recipient=recipient, **values)
        if signed:
            consent = services.attach_scan(by=registrar, consent=consent, scan=scan(), signed_on=TODAY)
        return consent

    return make


@pytest.fixture
def employer(make_user, employer_org):
    user = make_user("employer", role=roles.EMPLOYER, first_name="Елена", last_name="Кадрова")
    RecipientAccount.objects.create(user=user, recipient=employer_org)
    return user


def now() -> dt.datetime:
    return timezone.now()
