"""`manage.py erase_verification_ips` erases the addresses of checks older than the setting."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from zachetka.core.audit import Action
from zachetka.core.models import AuditEvent
from zachetka.documents.models import VerificationCheck


def _check_on(day: dt.datetime, ip: str) -> VerificationCheck:
    with time_machine.travel(day, tick=False):
        return VerificationCheck.objects.create(ip_address=ip, registration_number="2026-00001")


def _erase() -> str:
    out = StringIO()
    call_command("erase_verification_ips", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_erases_only_older_than_the_setting(settings):
    settings.VERIFICATION_IP_DAYS = 90
    now = timezone.now()
    old = _check_on(now - dt.timedelta(days=91), "203.0.113.5")
    recent = _check_on(now - dt.timedelta(days=89), "203.0.113.6")
    assert _erase().strip() == "Стёрто адресов IP в журнале проверок подлинности: 1."
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, recent.ip_address) == ("", "203.0.113.6")
    assert old.registration_number == "2026-00001"  # the check itself stays
    # Idempotent: a second run finds nothing, and records nothing.
    assert _erase().strip().endswith(": 0.")
    assert AuditEvent.objects.filter(action=Action.VERIFICATION_IPS_ERASED).count() == 1


@pytest.mark.django_db
def test_shorter_setting_erases_more(settings):
    settings.VERIFICATION_IP_DAYS = 7
    _check_on(timezone.now() - dt.timedelta(days=8), "203.0.113.7")
    assert _erase().strip().endswith(": 1.")


@pytest.mark.django_db
def test_an_address_is_only_ever_erased():
    check = _check_on(timezone.now(), "203.0.113.8")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        VerificationCheck.objects.filter(pk=check.pk).update(ip_address="198.51.100.1")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        VerificationCheck.objects.filter(pk=check.pk).update(found=True)
    VerificationCheck.objects.filter(pk=check.pk).update(ip_address="")
