"""Russian typesetting of printed text: non-breaking spaces where a line must not break.

A line never ends on «№», on an initial or on «г.», and a date range «с … по …» stays on one
line; the rules of Russian typography (and of ГОСТ Р 7.0.97 for document requisites). The
functions work on plain text and on rendered HTML alike: they only turn ordinary spaces between
the words concerned into U+00A0 (a dash range gets U+2060, a word joiner, after its dash).
"""

import re

NBSP = "\u00a0"
WORD_JOINER = "\u2060"

_UPPER = "А-ЯЁ"
_LOWER = "а-яё"
_LETTER = f"{_UPPER}{_LOWER}A-Za-z"
_DATE = r"\d{2}\.\d{2}\.\d{4}"
# An ordinary space or the entity an HTML template may have written for one.
_SPACE = r"(?: |&nbsp;|\u00a0)+"

_RULES: list[tuple[re.Pattern[str], str]] = [
    # «№ 15-о», «№№ 3, 4»
    (re.compile(rf"(№+){_SPACE}(?=\S)"), rf"\1{NBSP}"),
    # «2026 г.», «2025–2026 гг.»
    (re.compile(rf"(\d){_SPACE}(гг?\.)"), rf"\1{NBSP}\2"),
    # «г. Москва», «ул. Учебная», «д. 1», «пгт Октябрьский»
    (
        re.compile(
            rf"(?<![{_LETTER}])(г\.|ул\.|д\.|пос\.|пгт|с\.|ст\.|ч\.|п\.|стр\.){_SPACE}(?=[\d{_UPPER}])"
        ),
        rf"\1{NBSP}",
    ),
    # «о ПК», «в объёме»: a one-letter preposition or conjunction does not end a line
    (re.compile(rf"(?<![{_LETTER}\-])([вВоОсСкКуУиИаА]){_SPACE}(?=[{_LETTER}«\d])"), rf"\1{NBSP}"),
    # «72 ч», «256 часов»: a number stays with its unit
    (re.compile(rf"(\d){_SPACE}(?=(?:ч|час|часа|часов|мин|мм|см|м|кг)(?![{_LETTER}]))"), rf"\1{NBSP}"),
    # «с 01.09.2026 по 20.12.2026» on one line
    (
        re.compile(rf"(?<![{_LETTER}])([сС]){_SPACE}({_DATE}){_SPACE}(по){_SPACE}({_DATE})"),
        rf"\1{NBSP}\2{NBSP}\3{NBSP}\4",
    ),
    # «01.09.2026–20.12.2026», «01.09.2026 — 20.12.2026»: no break at the dash
    (
        re.compile(rf"({_DATE})({_SPACE})?([–—])({_SPACE})?({_DATE})"),
        lambda m: f"{m[1]}{NBSP if m[2] else ''}{m[3]}{WORD_JOINER}{NBSP if m[4] else ''}{m[5]}",
    ),
    # «О. В. Кузнецова», «О. Кузнецова»
    (
        re.compile(
            rf"(?<![{_LETTER}])([{_UPPER}]\.){_SPACE}(?:([{_UPPER}]\.){_SPACE})?(?=[{_UPPER}][{_LOWER}])"
        ),
        lambda m: f"{m[1]}{NBSP}{m[2] + NBSP if m[2] else ''}",
    ),
    # «Кузнецова О. В.», «Кузнецова О.»
    (
        re.compile(
            rf"([{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?){_SPACE}([{_UPPER}]\.)(?:{_SPACE}([{_UPPER}]\.))?(?!{_SPACE}[{_UPPER}])"
        ),
        lambda m: f"{m[1]}{NBSP}{m[2]}{NBSP + m[3] if m[3] else ''}",
    ),
]


def typeset(text: str) -> str:
    """`text` with non-breaking spaces after «№», around «г.», between initials and surname and
    inside date ranges."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
