"""ИНН (taxpayer number): 10 digits for an organisation, 12 for a person, with check digits
(ФНС algorithm: weighted sums mod 11 mod 10)."""

_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_error(value: str) -> str:
    """Why `value` is not a valid ИНН, or "" if it is."""
    if not value.isdigit() or len(value) not in (10, 12):
        return "ИНН — 10 цифр у организации или 12 у индивидуального предпринимателя."
    digits = [int(c) for c in value]
    if len(value) == 10:
        ok = digits[9] == _check(digits, _W10)
    else:
        ok = digits[10] == _check(digits, _W11) and digits[11] == _check(digits, _W12)
    return "" if ok else "Неверный ИНН: не сходится контрольная цифра — проверьте номер."
