"""СНИЛС (insurance number): normalisation, checksum and display.

The checksum rule (docs/sources.md § 1.6): the nine digits are weighted 9..1 from the left and summed;
a sum under 100 is the check number itself, 100 and 101 give 00, a larger sum is taken modulo
101 (a remainder of 100 again gives 00). Numbers up to 001-001-998 predate the checksum and are
accepted as they are.
"""

import re

_NON_DIGITS = re.compile(r"[\s\-]")
_LAST_UNCHECKED = 1001998


class SnilsError(ValueError):
    pass


def checksum(first_nine: str) -> int:
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(9, 0, -1), strict=True))
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    remainder = total % 101
    return 0 if remainder == 100 else remainder


def normalize(raw: str) -> str:
    """Return the 11 digits of a СНИЛС written with or without spaces and dashes, or raise."""
    digits = _NON_DIGITS.sub("", raw or "")
    if not digits.isdigit() or len(digits) != 11:
        raise SnilsError("СНИЛС должен состоять из 11 цифр, например 112-233-445 95.")
    number, control = digits[:9], int(digits[9:])
    if int(number) > _LAST_UNCHECKED and checksum(number) != control:
        raise SnilsError("Неверная контрольная сумма СНИЛС: проверьте цифры.")
    return digits


def is_valid(raw: str) -> bool:
    try:
        normalize(raw)
    except SnilsError:
        return False
    return True


def format_snils(digits: str) -> str:
    """Show 11 stored digits as `123-456-789 01`; anything else is returned unchanged."""
    if not digits or len(digits) != 11:
        return digits or ""
    return f"{digits[0:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:11]}"


def with_checksum(first_nine: str) -> str:
    """Complete nine digits with their check number (for generating demo and test data)."""
    return f"{first_nine}{checksum(first_nine):02d}"
