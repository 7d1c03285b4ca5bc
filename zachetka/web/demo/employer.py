"""An employer sees what its people consented to: «ООО «Техносервис»» sent three of its staff to
the 2025 upgrade course; two signed consents to pass their progress and final result to it, the
third signed and later withdrew. The employer's representative logs in as `employer` and sees
the two (each view is a disclosure); the registrar also sent one of them a paper extract, and
the withdrawal's 30-day task waits on the privacy page."""

import datetime as dt
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group as Role
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from zachetka.core import roles
from zachetka.privacy import services as privacy
from zachetka.privacy.models import Recipient, RecipientAccount
from zachetka.programs.models import Enrollment

CODE = "ПК-2025-01"
PASSWORD = "zachetka-demo"  # noqa: S105 - the documented demo password (load_demo.PASSWORD)
COMPANY = {
    "name": "ООО «Техносервис»",
    "kind": Recipient.Kind.LEGAL,
    "inn": "7707083893",
    "address": "г. Москва, ул. Профсоюзная, д. 12",
}
PURPOSE = "Подтверждение работодателю, направившему работника на обучение, хода и результата обучения"
WITHDRAWAL = "Письменное заявление, поданное лично или направленное почтой по адресу оператора."


def _scan(name: str) -> SimpleUploadedFile:
    # A stand-in for the scanned signed paper: a PDF by its content, as the upload check wants.
    return SimpleUploadedFile(name, b"%PDF-1.4\n% demo scan of a signed paper\n%%EOF", "application/pdf")


def tell(loader: Any) -> None:
    registrar, today = loader.users["registrar"], loader.today
    company = privacy.create_recipient(by=registrar, **COMPANY)
    user = User.objects.create(
        username="employer",
        first_name="Вера Андреевна",
        last_name="Кадрова",
        email="hr@technoservice.example.ru",
        password=make_password(PASSWORD),
    )
    user.groups.add(Role.objects.get(name=roles.EMPLOYER))
    RecipientAccount.objects.create(user=user, recipient=company)
    loader.users["employer"] = user
    staff = list(
        Enrollment.objects.filter(group__code=CODE, status=Enrollment.Status.COMPLETED)
        .exclude(learner__user__isnull=False)
        .select_related("learner")
        .order_by("learner__last_name", "learner__first_name")[:3]
    )
    consents = []
    for enrollment in staff:
        consent = privacy.record_consent(
            by=registrar,
            learner=enrollment.learner,
            recipient=company,
            purpose=PURPOSE,
            categories=["identity", "progress", "final"],
            actions=["store", "use", "transfer"],
            valid_from=today,
            valid_to=dt.date(2027, 12, 31),
            withdrawal_method=WITHDRAWAL,
            subject_address="г. Москва",
            subject_id_document="паспорт гражданина РФ (реквизиты — в подписанном экземпляре)",
        )
        consents.append(
            privacy.attach_scan(by=registrar, consent=consent, scan=_scan("consent.pdf"), signed_on=today)
        )
    privacy.withdraw(by=registrar, consent=consents[-1], received_on=today, scan=_scan("withdrawal.pdf"))
    privacy.disclose(
        by=registrar,
        learner=staff[0].learner,
        recipient=company,
        categories=["identity", "final"],
        channel="paper",
        formats=("xlsx",),
    )
