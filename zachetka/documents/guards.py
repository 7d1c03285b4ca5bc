"""SQLite trigger of issued documents (core.guards installs it; PostgreSQL's is in a migration).

Which columns may change at all follows from Document.DB_WRITES (core.guards); this adds the
rule of the state: it changes once, from valid, at a recorded time, and never back."""

MESSAGE = "documents_document: an issued document changes only its state, once, with a reason"


def sqlite_triggers() -> list[str]:
    return [
        f"""CREATE TRIGGER IF NOT EXISTS documents_document_guard BEFORE UPDATE ON documents_document
        WHEN (OLD.state <> 'valid' AND (NEW.state IS NOT OLD.state OR NEW.state_reason IS NOT OLD.state_reason
              OR NEW.state_changed_at IS NOT OLD.state_changed_at))
          OR (NEW.state <> OLD.state AND (NEW.state = 'valid' OR NEW.state_changed_at IS NULL))
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
    ]
