"""Consents: what authorises a transfer, on which dates, to whom, of what; versions instead of
edits; withdrawal and its 30-day task; the scan's type checked by content; database guards."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from zachetka.core.models import AuditEvent
from zachetka.privacy import selectors, services
from zachetka.privacy.models import Consent, Withdrawal
from zachetka.privacy.tests.conftest import TODAY

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps DELETE open for the test suite's flush"
)


def _covering(learner, recipient, categories, on):  # noqa: ANN001, ANN202
    return Consent.objects.filter(learner=learner).covering(recipient=recipient, categories=categories, on=on)


def test_a_signed_consent_authorises_within_its_period_only(world, employer_org, make_consent):
    consent = make_consent(world["classmate"], employer_org)
    assert _covering(world["classmate"], employer_org, ["progress"], TODAY) == consent
    assert _covering(world["classmate"], employer_org, ["progress"], dt.date(2026, 9, 1)) == consent
    assert _covering(world["classmate"], employer_org, ["progress"], dt.date(2027, 8, 31)) == consent
    assert _covering(world["classmate"], employer_org, ["progress"], dt.date(2026, 8, 31)) is None
    assert _covering(world["classmate"], employer_org, ["progress"], dt.date(2027, 9, 1)) is None


def test_a_consent_covers_its_recipient_and_categories_only(world, employer_org, other_org, make_consent):
    make_consent(world["classmate"], employer_org, categories=["identity", "final"])
    assert _covering(world["classmate"], employer_org, ["identity", "final"], TODAY) is not None
    assert _covering(world["classmate"], employer_org, ["grades"], TODAY) is None
    assert _covering(world["classmate"], employer_org, ["final", "grades"], TODAY) is None
    assert _covering(world["classmate"], other_org, ["final"], TODAY) is None
    assert _covering(world["stranger"], employer_org, ["final"], TODAY) is None


def test_an_unsigned_consent_authorises_nothing(world, employer_org, make_consent):
    make_consent(world["classmate"], employer_org, signed=False)
    assert _covering(world["classmate"], employer_org, ["final"], TODAY) is None


def test_the_consent_records_what_article_9_asks(world, employer_org, make_consent, registrar):
    consent = make_consent(
        world["classmate"],
        employer_org,
        representative_name="Петрова Галина Ивановна",
        representative_address="г. Москва",
        representative_id_document="паспорт 4500 000001",
        representative_authority="доверенность № 77 АБ 1234567 от 01.10.2026",
    )
    assert consent.operator_name  # from the organisation's requisites
    assert consent.recipient == employer_org
    assert consent.category_labels[0].startswith("фамилия")
    assert AuditEvent.objects.filter(action="privacy.consent_recorded", subject_id=str(consent.pk)).exists()
    with pytest.raises(ValidationError, match="полномочиях"):
        services.record_consent(
            by=registrar,
            learner=world["classmate"],
            recipient=employer_org,
            purpose="цель",
            categories=["final"],
            actions=["transfer"],
            valid_from=TODAY,
            valid_to=TODAY,
            withdrawal_method="заявлением",
            subject_address="адрес",
            subject_id_document="паспорт",
            representative_name="Петрова Галина Ивановна",
        )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"categories": []}, "категорию"),
        ({"categories": ["salary"]}, "Неизвестные"),
        ({"actions": []}, "действие"),
        ({"valid_to": dt.date(2026, 1, 1)}, "раньше"),
        ({"purpose": " "}, "цель"),
        ({"withdrawal_method": ""}, "отозвать"),
    ],
)
def test_a_consent_missing_what_the_law_asks_is_refused(world, employer_org, make_consent, fields, message):
    with pytest.raises(ValidationError, match=message):
        make_consent(world["classmate"], employer_org, **fields)
    assert not Consent.objects.exists()


def test_a_change_is_a_new_version_and_the_old_one_stays_readable(
    world, employer_org, make_consent, registrar
):
    first = make_consent(world["classmate"], employer_org, categories=["identity", "final"])
    second = make_consent(
        world["classmate"], employer_org, categories=["identity", "grades"], supersedes=first
    )
    first.refresh_from_db()
    assert second.version == 2 and second.supersedes == first
    assert first.categories == ["identity", "final"]  # untouched
    assert _covering(world["classmate"], employer_org, ["final"], TODAY) is None  # the old one is superseded
    assert _covering(world["classmate"], employer_org, ["grades"], TODAY) == second
    with pytest.raises(ValidationError, match="уже заменена"):
        make_consent(world["classmate"], employer_org, supersedes=first)


def test_a_signed_scan_is_attached_once(world, employer_org, make_consent, registrar, scan):
    consent = make_consent(world["classmate"], employer_org)
    with pytest.raises(ValidationError, match="уже приложен"):
        services.attach_scan(by=registrar, consent=consent, scan=scan(), signed_on=TODAY)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.pdf", b"MZ\x90\x00 an executable", "не PDF"),
        ("scan.pdf", b"<html><script>alert(1)</script>", "не PDF"),
        ("scan.png", b"\x89PNG\r\n\x1a\n<script>alert(1)</script>", "HTML"),
        ("big.pdf", b"%PDF-1.4" + b"0" * (services.SCAN_MAX_BYTES + 1), "больше"),
    ],
)
def test_a_scan_is_checked_by_content(
    world, employer_org, make_consent, registrar, scan, name, content, message
):
    consent = make_consent(world["classmate"], employer_org, signed=False)
    with pytest.raises(ValidationError, match=message):
        services.attach_scan(by=registrar, consent=consent, scan=scan(name, content), signed_on=TODAY)
    consent.refresh_from_db()
    assert not consent.is_signed


def test_jpeg_and_png_scans_are_accepted(world, employer_org, make_consent, registrar, scan):
    consent = make_consent(world["classmate"], employer_org, signed=False)
    services.attach_scan(
        by=registrar, consent=consent, scan=scan("a.jpg", b"\xff\xd8\xff\xe0 jpeg"), signed_on=TODAY
    )
    consent.refresh_from_db()
    assert consent.scan.name.endswith(".jpg") and len(consent.scan_sha256) == 64


def test_withdrawal_ends_the_consent_and_opens_a_30_day_task(
    world, employer_org, make_consent, registrar, scan
):
    consent = make_consent(world["classmate"], employer_org)
    withdrawal = services.withdraw(
        by=registrar, consent=consent, received_on=dt.date(2026, 10, 1), scan=scan()
    )
    assert withdrawal.due_on == dt.date(2026, 10, 31)
    assert _covering(world["classmate"], employer_org, ["final"], dt.date(2026, 9, 30)) == consent
    assert _covering(world["classmate"], employer_org, ["final"], dt.date(2026, 10, 1)) is None
    assert _covering(world["classmate"], employer_org, ["final"], TODAY) is None
    (task,) = selectors.withdrawal_tasks()
    assert task["overdue"] and task["days_left"] == -20 and task["state"] == "просрочено на 20 дней"
    with pytest.raises(ValidationError, match="уже отозвано"):
        services.withdraw(by=registrar, consent=consent, received_on=TODAY, scan=scan())
    with pytest.raises(ValidationError, match="отозвано"):
        make_consent(world["classmate"], employer_org, supersedes=consent)
    with pytest.raises(ValidationError, match="Опишите"):
        services.close_withdrawal(by=registrar, withdrawal=withdrawal, note=" ")
    services.close_withdrawal(
        by=registrar, withdrawal=withdrawal, note="Передача прекращена, копии уничтожены"
    )
    assert selectors.withdrawal_tasks() == []
    with pytest.raises(ValidationError, match="уже закрыта"):
        services.close_withdrawal(by=registrar, withdrawal=withdrawal, note="ещё раз")


def test_a_fresh_withdrawal_is_due_not_overdue(world, employer_org, make_consent, registrar, scan):
    consent = make_consent(world["classmate"], employer_org)
    services.withdraw(by=registrar, consent=consent, received_on=TODAY, scan=scan())
    (task,) = selectors.withdrawal_tasks()
    assert not task["overdue"] and task["days_left"] == 30 and task["state"] == "осталось 30 дней"


def test_a_withdrawal_needs_its_document(world, employer_org, make_consent, registrar):
    consent = make_consent(world["classmate"], employer_org)
    with pytest.raises(ValidationError, match="Приложите скан"):
        services.withdraw(by=registrar, consent=consent, received_on=TODAY, scan=None)
    assert not Withdrawal.objects.exists()


def _refused(sql: str, params: list) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_to_edit_a_consent_in_place(world, employer_org, make_consent, scan, registrar):
    consent = make_consent(world["classmate"], employer_org)
    _refused("UPDATE privacy_consent SET purpose = 'другая цель' WHERE id = %s", [consent.pk])
    _refused("UPDATE privacy_consent SET categories = '[\"grades\"]' WHERE id = %s", [consent.pk])
    _refused("UPDATE privacy_consent SET scan_sha256 = 'x' WHERE id = %s", [consent.pk])
    withdrawal = services.withdraw(by=registrar, consent=consent, received_on=TODAY, scan=scan())
    _refused("UPDATE privacy_withdrawal SET received_on = '2027-01-01' WHERE id = %s", [withdrawal.pk])
    services.close_withdrawal(by=registrar, withdrawal=withdrawal, note="сделано")
    _refused("UPDATE privacy_withdrawal SET close_note = 'иначе' WHERE id = %s", [withdrawal.pk])
    consent.refresh_from_db()
    assert consent.purpose.startswith("Подтверждение")


@postgres_only
def test_the_database_refuses_to_delete_consents(world, employer_org, make_consent):
    consent = make_consent(world["classmate"], employer_org)
    _refused("DELETE FROM privacy_consent WHERE id = %s", [consent.pk])
