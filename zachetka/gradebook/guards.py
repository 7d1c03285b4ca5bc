"""SQLite triggers of the gradebook (core.guards installs them; PostgreSQL's are in migration 0003).

Every change of a grade's value is copied into the cell's history by the database, in the same
statement as the change: a save costs one statement less, and no code path that writes grades
(the grid, filling a column, an import, the API) can leave a change out of the history."""


def sqlite_triggers() -> list[str]:
    return [
        """CREATE TRIGGER IF NOT EXISTS gradebook_grade_history_insert AFTER INSERT ON gradebook_grade
        WHEN NEW.value <> ''
        BEGIN INSERT INTO gradebook_gradechange
            (grade_id, old_value, new_value, changed_by_id, changed_at, reason)
        VALUES (NEW.id, '', NEW.value, NEW.entered_by_id, NEW.entered_at, NEW.change_reason); END""",
        """CREATE TRIGGER IF NOT EXISTS gradebook_grade_history_update AFTER UPDATE ON gradebook_grade
        WHEN NEW.value IS NOT OLD.value
        BEGIN INSERT INTO gradebook_gradechange
            (grade_id, old_value, new_value, changed_by_id, changed_at, reason)
        VALUES (NEW.id, OLD.value, NEW.value, NEW.entered_by_id, NEW.entered_at, NEW.change_reason); END""",
    ]
