"""SQLite triggers of issued documents and of the verification log (core.guards installs them;
PostgreSQL's are in migrations).

Which columns may change at all follows from the models' DB_WRITES (core.guards); this adds the
rule of a document's state: it changes once, from valid, at a recorded time, and never back; and
the rule of a verification check's address: it is only ever erased."""

MESSAGE = "documents_document: an issued document changes only its state, once, with a reason"
IP_MESSAGE = "documents_verificationcheck: the IP address of a check may only be erased"


def sqlite_triggers() -> list[str]:
    return [
        f"""CREATE TRIGGER IF NOT EXISTS documents_document_guard BEFORE UPDATE ON documents_document
        WHEN (OLD.state <> 'valid' AND (NEW.state IS NOT OLD.state OR NEW.state_reason IS NOT OLD.state_reason
              OR NEW.state_changed_at IS NOT OLD.state_changed_at))
          OR (NEW.state <> OLD.state AND (NEW.state = 'valid' OR NEW.state_changed_at IS NULL))
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS documents_verificationcheck_ip_guard
        BEFORE UPDATE ON documents_verificationcheck
        WHEN NEW.ip_address IS NOT OLD.ip_address AND NEW.ip_address <> ''
        BEGIN SELECT RAISE(ABORT, '{IP_MESSAGE}'); END""",
    ]
