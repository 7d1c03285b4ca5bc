"""The application's own PostgreSQL role (manage.py db_roles): everything that would rewrite
history is refused to it, while the application's own work runs as it."""

import datetime as dt
import os
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from zachetka.blanks import services as blank_services
from zachetka.cards import services as card_services
from zachetka.cards.models import CardVersion
from zachetka.core import audit
from zachetka.documents import services as document_services
from zachetka.gradebook import services as gradebook_services
from zachetka.gradebook.models import Assessment

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]

FORBIDDEN = [
    "CREATE TABLE intruder (id integer)",
    "CREATE TEMPORARY TABLE core_auditevent (id integer)",
    "CREATE SCHEMA intruder",
    "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only",
    "ALTER TABLE documents_document DISABLE TRIGGER ALL",
    "DROP TRIGGER attestation_protocol_guard ON attestation_protocol",
    "CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger "
    "AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql",
    "ALTER TABLE attestation_protocol DROP CONSTRAINT one_final_protocol_in_force_per_group",
    "SET session_replication_role = replica",
    "TRUNCATE core_auditevent",
    "TRUNCATE documents_document CASCADE",
    "UPDATE core_auditevent SET reason = 'rewritten'",
    "DELETE FROM core_auditevent",
    "UPDATE gradebook_gradechange SET new_value = '5'",
    "DELETE FROM gradebook_gradechange",
    "UPDATE documents_document SET last_name = 'Подменова'",
    "DELETE FROM documents_document",
    "UPDATE cards_cardversion SET content = '{}'",
    "DELETE FROM cards_cardversion",
    "DELETE FROM attestation_protocol",
    "UPDATE attestation_protocol SET status = 'draft' WHERE status = 'signed'",
    "UPDATE attestation_protocol SET chair_signed_at = now() WHERE status = 'signed'",
    "CREATE ROLE intruder SUPERUSER",
]


@pytest.fixture
def app_role():
    """A role made by `db_roles --apply`, dropped afterwards."""
    role = f"zachetka_test_app_{os.getpid()}"
    call_command("db_roles", "--role", role, "--apply", stdout=StringIO())
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


@contextmanager
def connected_as(role: str):
    """Run the ORM as `role` for a while (trust authentication on the test server)."""
    owner = connection.settings_dict["USER"]
    connection.close()
    connection.settings_dict["USER"] = role
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["USER"] = owner


def test_db_roles_prints_the_grants(capsys):
    call_command("db_roles", "--role", "zachetka_app")
    sql = capsys.readouterr().out
    assert 'GRANT SELECT, INSERT ON "core_auditevent" TO "zachetka_app";' in sql
    assert 'GRANT SELECT, INSERT ON "gradebook_gradechange" TO "zachetka_app";' in sql
    assert 'GRANT UPDATE ("state", "state_reason", "state_changed_at", "frdo_exported_at"' in sql
    assert "TRUNCATE" not in sql.replace("REVOKE ALL", "")


def test_the_owner_is_not_the_application_role():
    with pytest.raises(CommandError, match="отдельная роль"):
        call_command("db_roles", "--role", connection.settings_dict["USER"], "--apply")


def test_the_application_role_cannot_rewrite_history(app_role, graduated):
    import psycopg

    call_command("db_roles", "--role", app_role, "--check", stdout=StringIO())
    params = connection.get_connection_params()
    params["user"] = app_role
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as raw:
        for statement in FORBIDDEN:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                raw.execute(statement)
        assert raw.execute("SELECT count(*) FROM core_auditevent").fetchone()[0] > 0


def test_the_application_works_as_its_role(
    app_role, course, teacher, registrar, pass_all_modules, draw_up_final, finish_final
):
    with connected_as(app_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role
        # A grade with its history and audit event.
        assessment = Assessment.objects.get(group=course["group"])
        grade = gradebook_services.record_grade(
            by=teacher, assessment=assessment, enrollment=course["own"], text="5", expected_version=0
        )
        gradebook_services.record_grade(
            by=teacher,
            assessment=assessment,
            enrollment=course["own"],
            text="4",
            expected_version=grade.version,
            reason="Опечатка",
        )
        # Statements and a final protocol signed: debts, gradebook locks, completed enrolments, cards.
        pass_all_modules(failing=course["third"])
        protocol = finish_final(draw_up_final())
        # Blanks received; documents issued on them, one lost and duplicated; the card gains a
        # version, its PDF stored once.
        blank_services.receive_range(
            by=registrar,
            form="pk",
            series="ПК",
            first_number="1",
            last_number="9",
            received_on=dt.date(2026, 9, 1),
            supplier_document="Накладная № 7",
        )
        documents = document_services.issue_from_protocol(
            by=registrar, protocol=protocol, issued_on=dt.date(2026, 11, 27), series="ПК", first_number="1"
        )
        document_services.issue_duplicate(
            by=registrar,
            original=documents[0],
            issued_on=dt.date(2026, 11, 28),
            series="ПК",
            number="9",
            reason="Утрата",
        )
        version = CardVersion.objects.filter(enrollment=course["own"]).order_by("-number").first()
        assert version.number >= 2
        card_services.version_pdf(version)
        assert list(audit.verify_chain()) == []
    call_command("db_roles", "--role", app_role, "--check", stdout=StringIO())


def test_check_names_a_right_too_many(app_role):
    with connection.cursor() as cursor:
        cursor.execute(f'GRANT UPDATE ON core_auditevent TO "{app_role}"')
    with pytest.raises(CommandError, match=f"роль {app_role} имеет право UPDATE на core_auditevent"):
        call_command("db_roles", "--role", app_role, "--check")
