"""The database itself refuses to rewrite legal records, whoever asks: issued documents change
only their state (once, from valid) and reporting, card versions never change (their PDF is
stored once), grade history is append-only. On PostgreSQL deleting them is refused too."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from zachetka.cards.models import CardVersion
from zachetka.documents import services as document_services
from zachetka.documents.models import Document
from zachetka.gradebook import services as gradebook_services
from zachetka.gradebook.models import GradeChange

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps DELETE open for the test suite's flush"
)


def _refused(sql: str, params: list | None = None, match: str | None = None) -> None:
    with pytest.raises(DatabaseError, match=match), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@pytest.fixture
def document(graduated, registrar, course) -> Document:
    (issued,) = document_services.issue_from_protocol(
        by=registrar,
        protocol=graduated,
        issued_on=dt.date(2026, 11, 27),
        series="ПК",
        first_number="000118",
        enrollments=[course["own"]],
    )
    return issued


@pytest.mark.parametrize(
    "assignment",
    [
        "last_name = 'Подменова'",
        "number = '999999'",
        "issued_on = '2020-01-01'",
        "enrollment_id = enrollment_id + 1",
        "verification_code = 'guessable'",
        "qualification_grade = '6 разряд'",
    ],
)
def test_what_a_document_says_never_changes(document, assignment):
    _refused(f"UPDATE documents_document SET {assignment} WHERE id = %s", [document.pk])  # noqa: S608
    document.refresh_from_db()
    assert (document.last_name, document.number) == ("Смирнова", "000118")


def test_a_document_changes_state_once_and_never_back(document):
    _refused("UPDATE documents_document SET state = 'revoked' WHERE id = %s", [document.pk])  # no time
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE documents_document SET state = 'lost', state_reason = 'Утрачен', state_changed_at = %s "
            "WHERE id = %s",
            [timezone.now(), document.pk],
        )
    _refused("UPDATE documents_document SET state = 'valid' WHERE id = %s", [document.pk])
    _refused("UPDATE documents_document SET state_reason = 'Другое основание' WHERE id = %s", [document.pk])
    with connection.cursor() as cursor:  # reporting to ФИС ФРДО still goes on
        cursor.execute(
            "UPDATE documents_document SET frdo_exported_at = %s WHERE id = %s", [timezone.now(), document.pk]
        )
    document.refresh_from_db()
    assert (document.state, document.state_reason) == ("lost", "Утрачен")
    assert document.frdo_exported_at is not None


@postgres_only
def test_postgres_refuses_to_delete_a_document(document):
    _refused("DELETE FROM documents_document WHERE id = %s", [document.pk])
    assert Document.objects.filter(pk=document.pk).exists()


@pytest.fixture
def card(graduated, course) -> CardVersion:
    return CardVersion.objects.get(enrollment=course["own"], number=1)


def test_a_card_version_never_changes(card):
    _refused("UPDATE cards_cardversion SET content = '{}' WHERE id = %s", [card.pk])
    _refused("UPDATE cards_cardversion SET sha256 = %s WHERE id = %s", ["0" * 64, card.pk])
    _refused("UPDATE cards_cardversion SET number = 7 WHERE id = %s", [card.pk])


def test_a_card_versions_pdf_is_stored_once(card):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cards_cardversion SET pdf = 'cards/v1.pdf', pdf_sha256 = %s, pdf_rendered_at = %s "
            "WHERE id = %s",
            ["a" * 64, timezone.now(), card.pk],
        )
    _refused("UPDATE cards_cardversion SET pdf = 'cards/forged.pdf' WHERE id = %s", [card.pk])
    _refused("UPDATE cards_cardversion SET pdf_sha256 = %s WHERE id = %s", ["b" * 64, card.pk])


@postgres_only
def test_postgres_refuses_to_delete_a_card_version(card):
    _refused("DELETE FROM cards_cardversion WHERE id = %s", [card.pk])


@pytest.fixture
def history(world, teacher):
    from zachetka.gradebook.models import Assessment

    assessment = Assessment.objects.get(group=world["mine"])
    gradebook_services.record_grade(
        by=teacher,
        assessment=assessment,
        enrollment=world["enrollments"]["own"],
        text="5",
        expected_version=0,
    )
    return GradeChange.objects.get()


def test_grade_history_is_append_only(history):
    _refused("UPDATE gradebook_gradechange SET new_value = '2' WHERE id = %s", [history.pk])
    _refused("UPDATE gradebook_gradechange SET reason = 'задним числом'")
    history.refresh_from_db()
    assert history.new_value == "5"


@postgres_only
def test_postgres_refuses_to_delete_grade_history(history):
    _refused("DELETE FROM gradebook_gradechange")
    assert GradeChange.objects.count() == 1


@postgres_only
def test_postgres_refuses_to_delete_a_protocol_even_a_draft(course, teacher):
    from zachetka.attestation import services as attestation_services

    draft = attestation_services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["exam"], held_on=dt.date(2026, 11, 20)
    )
    _refused("DELETE FROM attestation_protocol WHERE id = %s", [draft.pk], match="never deleted")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM attestation_protocol WHERE id = %s", [draft.pk])
        assert cursor.fetchone()[0] == 1


sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's guards are rebuilt by core.guards"
)


@sqlite_only
def test_sqlite_guards_are_rebuilt_around_every_migrate(db):
    """SQLite rebuilds a table to alter it, dropping its triggers: every migrate rebuilds them."""
    from django.core.management import call_command

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER documents_document_columns_guard")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {name for (name,) in cursor.fetchall()}
    assert names >= {
        "core_auditevent_append_only",
        "gradebook_gradechange_append_only",
        "documents_verificationcheck_columns_guard",
        "documents_verificationcheck_ip_guard",
        "accesslog_accessrecord_append_only",
        "documents_document_columns_guard",
        "documents_document_guard",
        "cards_cardversion_columns_guard",
        "cards_cardversion_guard",
        "attestation_protocol_guard",
        "attestation_result_guard_update",
        "attestation_result_guard_insert",
        "attestation_member_guard_update",
        "attestation_member_guard_insert",
    }


@sqlite_only
def test_every_column_but_the_lifecycle_is_guarded_on_sqlite():
    """Built from the model, so a column added to a document later is frozen too."""
    from zachetka.core import guards

    [statement] = [s for s in guards.sqlite_statements() if "documents_document_columns_guard" in s]
    open_columns = {Document._meta.get_field(name).column for name in Document.DB_WRITES.update}
    for field in Document._meta.concrete_fields:
        assert (f'NEW."{field.column}" IS NOT OLD' in statement) is (field.column not in open_columns)
