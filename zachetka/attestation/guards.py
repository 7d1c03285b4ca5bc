"""SQLite triggers of attestation (core.guards installs them; PostgreSQL's are in migrations)."""

from zachetka.attestation.models import Protocol

# What annulment changes; everything else of a signed protocol is kept as signed.
ANNULMENT = {"status", "annulled_at", "annulled_by_id", "annul_reason", "version"}
PROTOCOL_MESSAGE = "attestation_protocol: a signed protocol is immutable (annul it and issue a new one)"
RESULT_MESSAGE = "attestation_protocolresult: results of a signed or annulled protocol are immutable"
MEMBER_MESSAGE = (
    "attestation_protocolmember: the attendance and signatures of a signed or annulled protocol are immutable"
)


def sqlite_triggers() -> list[str]:
    frozen = [field.column for field in Protocol._meta.concrete_fields if field.column not in ANNULMENT]
    changed = " OR ".join(f'NEW."{column}" IS NOT OLD."{column}"' for column in frozen)
    status_of = "(SELECT status FROM attestation_protocol WHERE id = {}.protocol_id)"
    return [
        f"""CREATE TRIGGER IF NOT EXISTS attestation_protocol_guard BEFORE UPDATE ON attestation_protocol
        WHEN OLD.status = 'annulled' OR (OLD.status = 'signed' AND (NEW.status <> 'annulled' OR {changed}))
        BEGIN SELECT RAISE(ABORT, '{PROTOCOL_MESSAGE}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS attestation_result_guard_update
        BEFORE UPDATE ON attestation_protocolresult
        WHEN {status_of.format("OLD")} <> 'draft' OR NEW.protocol_id IS NOT OLD.protocol_id
        BEGIN SELECT RAISE(ABORT, '{RESULT_MESSAGE}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS attestation_result_guard_insert
        BEFORE INSERT ON attestation_protocolresult
        WHEN {status_of.format("NEW")} <> 'draft'
        BEGIN SELECT RAISE(ABORT, '{RESULT_MESSAGE}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS attestation_member_guard_update
        BEFORE UPDATE ON attestation_protocolmember
        WHEN {status_of.format("OLD")} <> 'draft' OR NEW.protocol_id IS NOT OLD.protocol_id
        BEGIN SELECT RAISE(ABORT, '{MEMBER_MESSAGE}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS attestation_member_guard_insert
        BEFORE INSERT ON attestation_protocolmember
        WHEN {status_of.format("NEW")} <> 'draft'
        BEGIN SELECT RAISE(ABORT, '{MEMBER_MESSAGE}'); END""",
    ]
