"""Words agree with the person they are about: no «отчислен(а)» hedges in what the site shows or
prints (the learner's sex is known; staff are named without a verb that would need it)."""

import re
from pathlib import Path

from django.conf import settings

# «отчислен(а)», «подписал(а)», «слушатель(ница)»: a word with an ending in brackets.
HEDGE = re.compile(r"[А-Яа-яЁё]\([а-яё]{1,6}\)")
SOURCES = ("*.py", "*.html", "*.txt", "*.js")


def _shipped_files() -> list[Path]:
    base = Path(settings.BASE_DIR)
    roots = [base / "zachetka", base / "templates", base / "config", base / "static" / "js"]
    files = []
    for root in roots:
        for pattern in SOURCES:
            for path in root.rglob(pattern):
                parts = set(path.relative_to(base).parts)
                # Tests quote the old wording; applied migrations are history, never edited.
                if not parts & {"tests", "migrations", "vendor"}:
                    files.append(path)
    return files


def test_no_ending_in_brackets_anywhere_in_the_ui_or_documents():
    files = _shipped_files()
    assert len(files) > 100
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {match.group()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for match in HEDGE.finditer(line)
    ]
    assert found == []
