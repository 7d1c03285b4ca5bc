"""SQLite trigger of the blanks register (core.guards installs it; PostgreSQL's is in a
migration). Which columns may change at all follows from each model's DB_WRITES (core.guards);
this adds the rule of a blank's life: in stock → used → spoiled, or in stock → spoiled, never
back; the document it carries and the act that wrote it off are set once."""

MESSAGE = "blanks_blank: a blank is used once and written off once; its state only moves forward"

# The same condition on both databases: what an UPDATE of a blank may not do.
FORBIDDEN = """
    (NEW.state <> OLD.state AND NOT (
        (OLD.state = 'in_stock' AND NEW.state IN ('used', 'spoiled'))
        OR (OLD.state = 'used' AND NEW.state = 'spoiled')))
    OR (OLD.document_id IS NOT NULL AND NEW.document_id IS DISTINCT FROM OLD.document_id)
    OR (OLD.write_off_id IS NOT NULL AND NEW.write_off_id IS DISTINCT FROM OLD.write_off_id)
    OR (OLD.used_at IS NOT NULL AND NEW.used_at IS DISTINCT FROM OLD.used_at)
"""


def sqlite_triggers() -> list[str]:
    condition = FORBIDDEN.replace("IS DISTINCT FROM", "IS NOT")
    return [
        f"""CREATE TRIGGER IF NOT EXISTS blanks_blank_guard BEFORE UPDATE ON blanks_blank
        WHEN {condition}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
    ]
