"""Retention of electronic records (regulation п. 6.1) and their destruction by an approved act:
dates, holds, the due list, an act from draft to execution, what stays and what goes."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from zachetka.achievements.models import Achievement
from zachetka.archive import selectors, services
from zachetka.archive.models import BackupRecord, DestructionAct
from zachetka.cards.models import CardVersion
from zachetka.core import audit, sealing
from zachetka.core.models import AuditEvent
from zachetka.core.tests.xlsx_checks import assert_no_formula_and_values_fit
from zachetka.people.models import Learner
from zachetka.programs import services as program_services
from zachetka.programs.models import Enrollment

BASIS = "Истечение срока хранения (п. 6.1 Положения)"


def _finished(make_group, make_learner, make_enrollment, director, *, year: int, **learner) -> Enrollment:
    group = make_group(starts_on=dt.date(year, 2, 1), ends_on=dt.date(year, 6, 30))
    enrollment = make_enrollment(make_learner(**learner), group)
    return program_services.complete_enrollment(
        by=director,
        enrollment=enrollment,
        completed_on=dt.date(year, 6, 30),
        outcome="passed",
        reason="Протокол",
    )


@pytest.fixture
def records(make_group, make_learner, make_enrollment, director, learner_user):
    """Studies ended in 2019 (due since 01.01.2025) and in 2025 (due 01.01.2031); a 2019
    learner who studies again now; a 2019 learner under a legal hold."""
    old = _finished(
        make_group,
        make_learner,
        make_enrollment,
        director,
        year=2019,
        last_name="Старова",
        sex="F",
        user=learner_user,
    )
    recent = _finished(make_group, make_learner, make_enrollment, director, year=2025, last_name="Новиков")
    returning = _finished(
        make_group, make_learner, make_enrollment, director, year=2019, last_name="Вернувшийся"
    )
    make_enrollment(returning.learner, make_group())
    held = _finished(make_group, make_learner, make_enrollment, director, year=2019, last_name="Спорный")
    services.set_hold(by=director, enrollment=held, reason="Исковое заявление от 10.11.2026")
    return {"old": old, "recent": recent, "returning": returning, "held": held}


@pytest.mark.parametrize(
    ("ended", "due"),
    [("2019-06-30", "2025-01-01"), ("2019-12-31", "2025-01-01"), ("2020-01-01", "2026-01-01")],
)
def test_retention_is_the_period_plus_five_years_from_the_next_first_of_january(ended, due):
    assert selectors.retention_on(dt.date.fromisoformat(ended)) == dt.date.fromisoformat(due)


def test_the_setting_changes_the_period(settings):
    settings.RETENTION_YEARS = 10
    assert selectors.retention_on(dt.date(2019, 6, 30)) == dt.date(2030, 1, 1)


def test_due_list_by_month_and_who_may_be_forgotten(records):
    months = selectors.due_by_month()
    listed = {r.enrollment.pk: r for month in months.values() for r in month}
    assert dt.date(2025, 1, 1) in months
    assert listed[records["old"].pk].is_due and not listed[records["held"].pk].is_due
    assert records["recent"].pk not in listed  # due in 2031, beyond the year ahead
    assert selectors.learners_to_forget() == [records["old"].learner_id]


@pytest.fixture
def executed(records, director, registrar, django_capture_on_commit_callbacks):
    """The old learner's act drafted, approved and executed; before it, an achievement with a
    file, a frozen card with its PDF, and a backup registered."""
    old = records["old"]
    achievement = Achievement.objects.create(
        learner=old.learner,
        title="Победитель конкурса",
        achieved_on=dt.date(2019, 5, 1),
        status="confirmed",
        created_by=director,
    )
    achievement.evidence.save("diploma.pdf", ContentFile(b"%PDF-1.4 evidence"), save=True)
    version = CardVersion.objects.get(enrollment=old)
    from zachetka.cards import services as card_services

    card_services.version_pdf(version)
    services.record_backup(
        path="/backup/old.tar.gz", created_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC), size=1, sha256="a" * 64
    )
    act = services.draft_act(by=registrar, basis=BASIS)
    services.approve_act(by=director, act=act)
    with django_capture_on_commit_callbacks(execute=True):  # files go once the act commits
        act = services.execute_act(by=registrar, act=act)
    return {"act": act, "old": old, "achievement": achievement, "version": version}


def test_execution_depersonalises_and_keeps_what_must_stay(executed, records):
    learner = Learner.objects.get(pk=executed["old"].learner_id)
    assert (learner.last_name, learner.first_name, learner.birth_date, learner.snils) == (
        "Обезличено",
        f"№ {learner.pk}",
        None,
        "",
    )
    assert learner.depersonalised_at and executed["act"].number in learner.depersonalisation_basis
    account = User.objects.get(pk=records["old"].learner.user_id)
    assert not account.is_active and account.username.startswith("forgotten-") and account.email == ""
    # The results and the enrolment stay, depersonalised; evidence and card PDFs are gone.
    assert Enrollment.objects.get(pk=executed["old"].pk).outcome == "passed"
    achievement = Achievement.objects.get(pk=executed["achievement"].pk)
    assert not achievement.evidence
    version = CardVersion.objects.get(pk=executed["version"].pk)
    assert not version.pdf.storage.exists(version.pdf.name)
    # The frozen card stays as a row with its digest, its content sealed under a destroyed key.
    assert version.sha256 and "Старова" not in str(version.content)
    assert version.frozen_content(learner.pk) is None
    # The trail still verifies, and what it held about the learner cannot be read.
    assert list(audit.verify_chain()) == []
    events = AuditEvent.objects.filter(learner_id=learner.pk).opened()
    assert events and all(event.subject_repr == sealing.DESTROYED for event in events)
    # Others are untouched.
    assert Learner.objects.get(pk=records["held"].learner_id).last_name == "Спорный"


def test_the_act_and_the_log_extract_hold_what_order_179_asks(executed, pdf_text):
    act = executed["act"]
    assert act.status == DestructionAct.Status.EXECUTED
    text = pdf_text(act.pdf.open("rb").read())
    for expected in (
        f"Акт № {act.number}",
        "Старова",
        "СНИЛС",
        services.SYSTEM_NAME[:20],
        BASIS,
        "Дата уничтожения",
    ):
        assert expected in text
    rows = list(load_workbook(io.BytesIO(act.extract.open("rb").read())).active.iter_rows(values_only=True))
    assert rows[0][:5] == (
        "ФИО субъекта",
        "Категории уничтоженных данных",
        "Информационная система",
        "Причина уничтожения",
        "Дата уничтожения",
    )
    (row,) = rows[1:]
    assert row[0].startswith("Старова") and "СНИЛС" in row[1] and act.number in row[3]
    sheet = load_workbook(io.BytesIO(act.extract.open("rb").read())).active
    assert sheet["E2"].is_date and sheet["E2"].number_format == "DD.MM.YYYY"
    assert sheet["F2"].data_type == "n"  # the event's number in the trail
    assert sheet.title == "Выгрузка из журнала"
    assert_no_formula_and_values_fit(sheet, first_row=1)


def test_running_the_act_again_changes_nothing(executed, registrar):
    before = (AuditEvent.objects.count(), Learner.objects.get(pk=executed["old"].learner_id).version)
    again = services.execute_act(by=registrar, act=executed["act"])
    assert again.executed_at == executed["act"].executed_at
    assert (AuditEvent.objects.count(), Learner.objects.get(pk=executed["old"].learner_id).version) == before


def test_backups_older_than_the_act_are_listed_for_deletion(executed, client, registrar):
    listed = list(selectors.backups_to_delete())
    assert [b.path for b in listed] == ["/backup/old.tar.gz"]
    client.force_login(registrar)
    client.post(reverse("archive:backup_deleted", args=[listed[0].pk]))
    assert BackupRecord.objects.get().deleted_at is not None
    assert not selectors.backups_to_delete().exists()


def test_the_frozen_card_of_a_forgotten_learner_is_not_served(executed, client, director):
    client.force_login(director)
    response = client.get(reverse("cards:version_pdf", args=[executed["version"].pk]))
    assert response.status_code == 404


def test_an_act_is_executed_only_once_approved(records, registrar, director):
    act = services.draft_act(by=registrar, basis=BASIS)
    with pytest.raises(Exception, match="не утверждён"):
        services.execute_act(by=registrar, act=act)
    with pytest.raises(Exception, match="Недостаточно прав"):
        services.approve_act(by=registrar, act=act)
    assert Learner.objects.get(pk=records["old"].learner_id).depersonalised_at is None


def test_a_held_learner_cannot_be_named_in_an_act(records, registrar):
    with pytest.raises(Exception, match="не истёк или приостановлен"):
        services.draft_act(by=registrar, basis=BASIS, learner_ids=[records["held"].learner_id])


def test_act_records_are_erased_after_three_years(executed):
    act = executed["act"]
    with time_machine.travel(dt.datetime(2029, 12, 1, tzinfo=dt.UTC)):
        call_command("erase_destruction_records", stdout=io.StringIO())
        call_command("erase_destruction_records", stdout=io.StringIO())  # idempotent
    act.refresh_from_db()
    assert act.records_erased_at is not None and not act.pdf.storage.exists(act.pdf.name)
    assert list(act.items.values_list("subject_name", flat=True)) == [""]


def test_retention_pages_by_role(client, records, director, registrar, curator, teacher):
    for user, status in ((director, 200), (registrar, 200), (curator, 403), (teacher, 403)):
        client.force_login(user)
        assert client.get(reverse("archive:retention")).status_code == status
    client.force_login(registrar)
    page = client.get(reverse("archive:retention")).content.decode()
    assert "Старова" in page and "Исковое заявление" in page
    response = client.post(reverse("archive:act_create"), {"basis": BASIS})
    act = DestructionAct.objects.get()
    assert response.status_code == 302 and act.items.count() == 1
    assert client.post(reverse("archive:act_approve", args=[act.pk])).status_code == 403


def _consent(learner, by, valid_to: dt.date):  # noqa: ANN001, ANN202
    from zachetka.privacy import services as privacy

    recipient = privacy.create_recipient(
        by=by, name="ООО «Ромашка»", kind="legal", inn="7707083893", address="г. Москва"
    )
    with time_machine.travel(dt.datetime(2019, 1, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        return _signed_consent(privacy, learner, recipient, by, valid_to)


def _signed_consent(privacy, learner, recipient, by, valid_to: dt.date):  # noqa: ANN001, ANN202
    from django.core.files.uploadedfile import SimpleUploadedFile

    consent = privacy.record_consent(
        by=by,
        learner=learner,
        recipient=recipient,
        purpose="Подтверждение обучения работника",
        categories=["identity", "final"],
        actions=["store", "transfer"],
        valid_from=dt.date(2019, 1, 10),
        valid_to=valid_to,
        withdrawal_method="Письменное заявление оператору.",
        subject_address="г. Москва, ул. Мира, д. 2",
        subject_id_document="паспорт 4510 123456",
    )
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n% signed\n%%EOF", content_type="application/pdf")
    return privacy.attach_scan(by=by, consent=consent, scan=scan, signed_on=dt.date(2019, 1, 10))


def test_a_consent_keeps_the_record_three_years_after_it_ends(records, registrar):
    old = records["old"].learner
    consent = _consent(old, registrar, valid_to=dt.date(2024, 6, 30))
    assert selectors.consents_kept_until() == {old.pk: dt.date(2028, 1, 1)}
    assert selectors.learners_to_forget() == []
    with pytest.raises(ValidationError):
        services.draft_act(by=registrar, basis=BASIS, learner_ids=[old.pk])
    assert consent.scan.storage.exists(consent.scan.name)


def test_a_consent_past_its_keeping_goes_with_the_record(
    records, registrar, director, django_capture_on_commit_callbacks
):
    old = records["old"].learner
    consent = _consent(old, registrar, valid_to=dt.date(2021, 6, 30))
    assert selectors.learners_to_forget() == [old.pk]
    act = services.draft_act(by=registrar, basis=BASIS)
    services.approve_act(by=director, act=act)
    with django_capture_on_commit_callbacks(execute=True):
        services.execute_act(by=registrar, act=act)
    # The consent stays as a record of what was agreed; its signed scan is gone.
    consent.refresh_from_db()
    assert consent.scan.name and not consent.scan.storage.exists(consent.scan.name)
