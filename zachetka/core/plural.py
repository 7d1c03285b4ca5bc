"""Russian plural forms: 1 слушатель, 2 слушателя, 5 слушателей."""


def plural_form(number: int, one: str, few: str, many: str) -> str:
    n = abs(number) % 100
    if 11 <= n <= 14:
        return many
    n %= 10
    if n == 1:
        return one
    if 2 <= n <= 4:
        return few
    return many


def count_with(number: int, one: str, few: str, many: str) -> str:
    return f"{number} {plural_form(number, one, few, many)}"
