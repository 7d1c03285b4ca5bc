"""Field validators with Russian messages, shared by forms, services and imports."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from zachetka.core import dates, names, snils

_OKSM_RE = re.compile(r"^\d{3}$")
# A document's series or number: letters and digits, inner spaces and hyphens (e.g. «ВСГ»,
# «107704», «АА-12»); it starts with a letter or digit, so it is never a formula.
_DOCUMENT_CODE_RE = re.compile(r"^[0-9A-Za-zА-Яа-яЁё](?:[0-9A-Za-zА-Яа-яЁё\- ]*[0-9A-Za-zА-Яа-яЁё])?$")
_PHONE_RE = re.compile(r"^[+\d][\d\s\-()]{4,30}$")


def validate_snils(value: str) -> None:
    if not value:
        return
    try:
        snils.normalize(value)
    except snils.SnilsError as error:
        raise ValidationError(str(error), code="snils") from error


def validate_name_part(value: str) -> None:
    if not value:
        return
    problem = names.name_part_error(value)
    if problem:
        raise ValidationError(
            f"Допустимы {problem}." if problem.startswith("только") else f"Значение {problem}."
        )


def validate_full_name(value: str) -> None:
    """«Фамилия Имя Отчество» of a person other than the learner (a legal representative)."""
    if not value:
        return
    problem = names.name_part_error(value, names.FULL_NAME_MAX_LENGTH)
    if problem:
        raise ValidationError(
            f"Допустимы {problem}." if problem.startswith("только") else f"Значение {problem}."
        )


def validate_document_code(value: str) -> None:
    """A series or number of a document as printed on it (a diploma, a blank)."""
    if value and not _DOCUMENT_CODE_RE.match(value):
        raise ValidationError(
            "Допустимы буквы, цифры, пробел и дефис; первый и последний знак — буква или цифра."
        )


def validate_birth_date(value: dt.date) -> None:
    if value > timezone.localdate():
        raise ValidationError("Дата рождения не может быть в будущем.")
    if value < dates.EARLIEST_BIRTH_DATE:
        raise ValidationError("Дата рождения раньше 01.01.1900 — проверьте год.")


def validate_oksm(value: str) -> None:
    if not _OKSM_RE.match(value or ""):
        raise ValidationError("Код страны по ОКСМ — три цифры (Россия — 643).")


def validate_phone(value: str) -> None:
    if value and not _PHONE_RE.match(value):
        raise ValidationError(
            "Телефон: цифры, пробелы, скобки, дефисы и «+» в начале, например +7 912 345-67-89."
        )
