from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from zachetka.core import dates


class RussianDateInput(forms.DateInput):
    """A date typed as ДД.ММ.ГГГГ; a phone's number pad may type ДДММГГГГ or other separators,
    and ISO dates are accepted too: every date field of the site reads its value here."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            format="%d.%m.%Y", attrs={"placeholder": "ДД.ММ.ГГГГ", "inputmode": "numeric"}, **kwargs
        )

    def value_from_datadict(self, data: object, files: object, name: str) -> object:
        value = super().value_from_datadict(data, files, name)
        return dates.normalize_typed(value) if isinstance(value, str) else value


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        form.add_error(target, errors)
