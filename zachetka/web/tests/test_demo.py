"""The demo data: loaded through the services, it tells the story the README promises."""

import datetime as dt
import io
from collections import Counter

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook

from zachetka.achievements.models import Achievement
from zachetka.attestation.models import AcademicDebt, Protocol, ProtocolResult
from zachetka.blanks.models import Blank
from zachetka.cards.models import CardVersion
from zachetka.core import audit
from zachetka.documents.models import Document
from zachetka.gradebook.models import Grade
from zachetka.paper import selectors as paper_selectors
from zachetka.paper.models import Case, PaperOriginal
from zachetka.programs.models import Enrollment

# The demo fills the gradebook up to "today"; pin it so the story is the same on every run.
DEMO_DAY = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_demo_tells_its_story(tmp_path, pdf_text):
    """Loading takes ~20 s, so one load serves every check below."""
    with time_machine.travel(DEMO_DAY, tick=False):
        call_command("load_demo", stdout=io.StringIO())
    a_2025_group_is_completed_through_its_protocols()
    numbers_follow_the_calendar()
    one_final_failure_gets_a_certificate_of_study()
    a_running_group_is_in_the_middle_of_its_intermediate_attestation()
    documents_are_issued_and_reported(tmp_path)
    the_demo_learner_has_a_frozen_card_and_achievements()
    a_vocational_group_holds_graded_certificates_and_one_spoiled_blank(tmp_path)
    an_annulled_final_protocol_was_replaced_and_its_documents_issued_again()
    a_revoked_certificate_of_study_was_issued_again()
    records_of_2018_were_destroyed_by_an_act_and_2019_are_due_one_held(pdf_text)
    with time_machine.travel(DEMO_DAY, tick=False):
        the_signed_2025_protocols_lie_in_closed_cases_of_the_paper_archive()
    an_employer_sees_two_consenting_learners_and_not_the_one_who_withdrew()
    assert list(audit.verify_chain()) == []


def a_2025_group_is_completed_through_its_protocols() -> None:
    enrollments = Enrollment.objects.filter(group__code="ПК-2025-01")
    assert Counter(enrollments.values_list("status", "outcome")) == {
        (Enrollment.Status.COMPLETED, Enrollment.Outcome.PASSED): 27,
        (Enrollment.Status.EXPELLED, ""): 1,
    }
    statements = Protocol.objects.filter(group__code="ПК-2025-01", kind=Protocol.Kind.INTERMEDIATE)
    assert set(statements.values_list("status", flat=True)) == {Protocol.Status.SIGNED}
    assert statements.filter(attempt=1).count() == 5 and statements.filter(attempt=2).count() == 1
    retake = statements.get(attempt=2)
    (retaker,) = retake.results.all()
    debt = AcademicDebt.objects.get(enrollment=retaker.enrollment)
    assert debt.closed_by == retake and retaker.is_passing
    final = Protocol.objects.get(group__code="ПК-2025-01", kind=Protocol.Kind.FINAL)
    assert final.status == Protocol.Status.SIGNED and final.chair_signed_at and final.secretary_signed_at
    assert final.results.count() == 27
    smirnova = enrollments.get(learner__last_name="Смирнова", learner__first_name="Анна")
    assert smirnova.outcome == Enrollment.Outcome.PASSED


def numbers_follow_the_calendar() -> None:
    for kind in (Protocol.Kind.INTERMEDIATE, Protocol.Kind.FINAL):
        dates = list(Protocol.objects.filter(kind=kind).order_by("number").values_list("held_on", flat=True))
        assert dates == sorted(dates)


def one_final_failure_gets_a_certificate_of_study() -> None:
    failed = ProtocolResult.objects.get(protocol__kind=Protocol.Kind.FINAL, is_passing=False)
    assert failed.decision == ProtocolResult.Decision.CERTIFICATE_OF_STUDY
    assert failed.enrollment.group.code == "ПП-2025-01"
    assert failed.enrollment.outcome == Enrollment.Outcome.FAILED
    assert failed.work_topic  # a defense: every learner's topic is recorded


def a_running_group_is_in_the_middle_of_its_intermediate_attestation() -> None:
    statements = Protocol.objects.filter(group__code="ПП-2026-01").order_by("held_on")
    statuses = list(statements.values_list("status", flat=True))
    assert statuses[-1] == Protocol.Status.DRAFT and set(statuses[:-1]) == {Protocol.Status.SIGNED}
    assert len(statuses) >= 2
    open_debts = AcademicDebt.objects.filter(closed_at__isnull=True)
    assert [d.enrollment.group.code for d in open_debts] == ["ПП-2026-01"]
    assert not Protocol.objects.filter(group__code="ПП-2026-01", kind=Protocol.Kind.FINAL).exists()


def documents_are_issued_and_reported(tmp_path) -> None:  # noqa: ANN001
    """Every 2025 graduate holds a document, one lost certificate has a duplicate, the expelled
    have справки but one (still due), and the ФИС ФРДО export of 2025 works at once."""
    graduates = Enrollment.objects.filter(group__code__endswith="2025-01", status=Enrollment.Status.COMPLETED)
    holders = Document.objects.filter(issue=Document.Issue.ORIGINAL).values_list("enrollment_id", flat=True)
    assert set(graduates.values_list("pk", flat=True)) <= set(holders)
    duplicate = Document.objects.get(issue=Document.Issue.DUPLICATE)
    assert duplicate.original.state == Document.State.LOST
    expelled = Enrollment.objects.filter(status=Enrollment.Status.EXPELLED)
    certificates = Document.objects.filter(
        enrollment__in=expelled, kind=Document.Kind.STUDY_CERTIFICATE, state=Document.State.VALID
    )
    assert certificates.count() == expelled.count() - 1
    smirnova = Document.objects.get(
        enrollment__group__code="ПК-2025-01", last_name="Смирнова", first_name="Анна"
    )
    assert smirnova.kind == Document.Kind.QUALIFICATION_CERTIFICATE and smirnova.is_valid
    numbers = list(Document.objects.order_by("registration_seq").values_list("issued_on", flat=True))
    assert numbers == sorted(numbers)
    out = tmp_path / "frdo.xlsx"
    call_command("export_frdo", str(out), template="dpo", year=2025, stdout=io.StringIO())
    rows = list(load_workbook(out, read_only=True).active.iter_rows(values_only=True))
    # Revoked, voided and never-sent spoiled documents are not reported as valid.
    reported = Document.objects.filter(kind__in=["pk", "pp", "study"]).exclude(
        state__in=[Document.State.REVOKED, Document.State.VOIDED, Document.State.DESTROYED]
    )
    assert len(rows[0]) == 40 and len(rows) - 1 == reported.count()


def the_demo_learner_has_a_frozen_card_and_achievements() -> None:
    completed = Enrollment.objects.get(group__code="ПК-2025-01", learner__user__username="learner")
    running = Enrollment.objects.get(group__code="ПП-2026-01", learner__user__username="learner")
    versions = CardVersion.objects.filter(enrollment=completed).order_by("number")
    assert versions.exists() and versions.first().reason == "Обучение завершено"
    latest = versions.last().frozen_content(completed.learner_id)
    assert latest["documents"][0]["kind"] == "удостоверение о повышении квалификации"
    assert [a["title"][:16] for a in latest["achievements"]] == ["Электронный курс"]
    assert latest["final"]["value"]
    assert latest["enrollment"]["completion_order"] == "№ 61-в от 12.04.2025"
    assert not CardVersion.objects.filter(enrollment=running).exists()
    assert Grade.objects.filter(enrollment=running).exclude(value="").exists()
    assert (
        Achievement.objects.filter(learner=completed.learner, status=Achievement.Status.PROPOSED).count() == 1
    )


def a_vocational_group_holds_graded_certificates_and_one_spoiled_blank(tmp_path) -> None:  # noqa: ANN001
    certificates = Document.objects.filter(
        enrollment__group__code="ПО-2025-01", kind=Document.Kind.VOCATIONAL_CERTIFICATE
    )
    valid = certificates.filter(state=Document.State.VALID)
    assert valid.count() == 10
    assert set(valid.values_list("qualification_grade", flat=True)) == {"3 разряд", "4 разряд"}
    spoiled = certificates.get(state=Document.State.DESTROYED)
    blank = Blank.objects.get(series=spoiled.series, number=spoiled.number)
    assert blank.state == Blank.State.SPOILED and blank.write_off is not None and blank.write_off.reason
    final = Protocol.objects.get(group__code="ПО-2025-01", kind=Protocol.Kind.FINAL)
    assert final.final_form == Protocol.FinalForm.QUALIFICATION_EXAM
    out = tmp_path / "frdo-po.xlsx"
    call_command("export_frdo", str(out), template="po", year=2025, stdout=io.StringIO())
    rows = list(load_workbook(out, read_only=True).active.iter_rows(values_only=True))
    assert len(rows) - 1 == 10 and {row[12] for row in rows[1:]} == {"3 разряд", "4 разряд"}


def an_annulled_final_protocol_was_replaced_and_its_documents_issued_again() -> None:
    annulled = Protocol.objects.get(group__code="КК-2025-01", kind=Protocol.Kind.FINAL, status="annulled")
    replacement = Protocol.objects.get(replaces=annulled)
    assert replacement.status == Protocol.Status.SIGNED and replacement.held_on > annulled.held_on
    voided = Document.objects.filter(protocol=annulled, state=Document.State.VOIDED)
    reissued = Document.objects.filter(protocol=replacement, state=Document.State.VALID)
    assert voided.count() == reissued.count() == replacement.results.count() > 0
    enrollments = Enrollment.objects.filter(group__code="КК-2025-01").exclude(
        status=Enrollment.Status.EXPELLED
    )
    assert set(enrollments.values_list("status", flat=True)) == {Enrollment.Status.COMPLETED}


def a_revoked_certificate_of_study_was_issued_again() -> None:
    revoked = Document.objects.get(state=Document.State.REVOKED)
    assert revoked.kind == Document.Kind.STUDY_CERTIFICATE and "214-к" in revoked.state_reason
    again = Document.objects.get(enrollment=revoked.enrollment, state=Document.State.VALID)
    assert again.kind == Document.Kind.STUDY_CERTIFICATE and again.issued_on > revoked.issued_on


def records_of_2018_were_destroyed_by_an_act_and_2019_are_due_one_held(pdf_text) -> None:
    from zachetka.archive import selectors
    from zachetka.archive.models import DestructionAct, RetentionHold

    (act,) = DestructionAct.objects.all()
    assert act.status == DestructionAct.Status.EXECUTED and act.items.count() == 6
    assert act.pdf_sha256 and act.extract_sha256
    # Table cells wrap and interleave in extracted text: look for each word of each name.
    text = pdf_text(act.pdf.read())
    assert all(word in text for item in act.items.all() for word in item.subject_name.split())
    assert "Роскомнадзора" in text and act.number in text
    destroyed = Enrollment.objects.filter(group__code="КК-2018-01")
    assert all(e.learner.depersonalised_at for e in destroyed)
    due = [
        r
        for month in selectors.due_by_month().values()
        for r in month
        if r.enrollment.group.code == "КК-2019-01"
    ]
    assert len(due) == 8 and sum(r.is_due for r in due) == 7
    (hold,) = RetentionHold.objects.filter(released_at__isnull=True)
    assert hold.enrollment.group.code == "КК-2019-01"
    assert len(selectors.learners_to_forget()) == 7


def the_signed_2025_protocols_lie_in_closed_cases_of_the_paper_archive() -> None:
    signed = Protocol.objects.filter(held_on__year=2025).exclude(status=Protocol.Status.DRAFT)
    originals = PaperOriginal.objects.filter(protocol__in=signed).select_related("case")
    assert originals.count() == signed.count() > 0
    for index, kind in (("05-03", Protocol.Kind.FINAL), ("05-04", Protocol.Kind.INTERMEDIATE)):
        case = Case.objects.get(year=2025, index=index)
        assert case.closed_on == dt.date(2025, 12, 31) and case.is_permanent
        filed = list(case.originals.order_by("sheet_from"))
        assert {o.protocol.kind for o in filed} == {kind}
        # Sheets run on without a gap or an overlap from the first.
        assert filed[0].sheet_from == 1
        assert all(b.sheet_from == a.sheet_to + 1 for a, b in zip(filed, filed[1:], strict=False))
    annulled = Protocol.objects.get(group__code="КК-2025-01", kind=Protocol.Kind.FINAL, status="annulled")
    assert PaperOriginal.objects.get(protocol=annulled).case.index == "05-03"
    due = paper_selectors.due_by_year()
    assert {r.case.index for r in due[2026]} == {"05-02", "05-06"}
    assert all(r.is_due for r in due[2026]) and set(due) == {2026}


def an_employer_sees_two_consenting_learners_and_not_the_one_who_withdrew() -> None:
    from django.contrib.auth.models import User

    from zachetka.privacy import selectors as privacy
    from zachetka.privacy.models import Consent, Disclosure

    employer = User.objects.get(username="employer")
    assert employer.check_password("zachetka-demo")
    with time_machine.travel(DEMO_DAY, tick=False):
        assert privacy.employer_learners(employer).count() == 2
        (task,) = privacy.withdrawal_tasks()
    withdrawn = task["withdrawal"].consent
    assert withdrawn.recipient.name == "ООО «Техносервис»"
    assert not privacy.employer_learners(employer).filter(pk=withdrawn.learner_id).exists()
    assert Consent.objects.filter(recipient=withdrawn.recipient).count() == 3
    (paper,) = Disclosure.objects.filter(channel=Disclosure.Channel.PAPER)
    assert paper.consent is not None and len(paper.xlsx_sha256) == 64
