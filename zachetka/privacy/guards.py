"""SQLite triggers of the privacy app (core.guards installs them; PostgreSQL's are in a
migration). Which columns may change at all follows from each model's DB_WRITES: a consent only
its scan columns, a withdrawal only its closing, a disclosure nothing. This adds that those
columns are set once: a signed scan is never replaced, a closed task never reopened."""

# table -> the columns its lifecycle sets once
SET_ONCE = {
    "privacy_consent": ("signed_on", "scan", "scan_sha256", "scan_attached_by_id"),
    "privacy_withdrawal": ("closed_at", "closed_by_id", "close_note"),
}


def sqlite_triggers() -> list[str]:
    statements = []
    for table, columns in SET_ONCE.items():
        changed = " OR ".join(
            f'(OLD."{c}" IS NOT NULL AND OLD."{c}" <> \'\' AND NEW."{c}" IS NOT OLD."{c}")' for c in columns
        )
        # Table and column names are this module's constants, not input.
        statement = f"CREATE TRIGGER IF NOT EXISTS {table}_set_once BEFORE UPDATE ON {table} WHEN {changed} "
        statements.append(
            statement + f"BEGIN SELECT RAISE(ABORT, '{table}: lifecycle columns set once'); END"
        )  # noqa: S608
    return statements
