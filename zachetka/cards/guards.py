"""SQLite trigger of card versions (core.guards installs it; PostgreSQL's is in a migration).

Only the PDF columns may change at all (CardVersion.DB_WRITES, core.guards); this adds that
they change once: the PDF is rendered from the frozen content a single time."""

MESSAGE = "cards_cardversion: a card version never changes (its PDF is stored once)"


def sqlite_triggers() -> list[str]:
    pdf_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in ("pdf", "pdf_sha256", "pdf_rendered_at"))
    return [
        f"""CREATE TRIGGER IF NOT EXISTS cards_cardversion_guard BEFORE UPDATE ON cards_cardversion
        WHEN OLD.pdf <> '' AND ({pdf_changed})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
    ]
