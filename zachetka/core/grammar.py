"""Russian grammar for printed documents: names declined by case, verbs agreeing with sex."""

from functools import cache

from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

CASES = {
    "genitive": Case.GENITIVE,
    "dative": Case.DATIVE,
    "accusative": Case.ACCUSATIVE,
    "instrumental": Case.INSTRUMENTAL,
    "prepositional": Case.PREPOSITIONAL,
}


@cache
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


def decline_name(last: str, first: str, middle: str, sex: str, case: str) -> str:
    """«Иванов Иван Иванович» in `case` («dative» → «Иванову Ивану Ивановичу»); `sex` is "M"/"F".

    Double surnames are declined part by part («Петрова-Водкина»)."""
    gender = Gender.FEMALE if sex == "F" else Gender.MALE
    grammatical_case = CASES[case]
    maker = _maker()

    def part(kind: NamePart, value: str) -> str:
        if not value:
            return ""
        return "-".join(maker.make(kind, gender, grammatical_case, piece) for piece in value.split("-"))

    return " ".join(
        word
        for word in (
            part(NamePart.LASTNAME, last),
            part(NamePart.FIRSTNAME, first),
            part(NamePart.MIDDLENAME, middle),
        )
        if word
    )


def by_sex(sex: str, masculine: str, feminine: str) -> str:
    """«прошёл» / «прошла»."""
    return feminine if sex == "F" else masculine
