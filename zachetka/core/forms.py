from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class RussianDateInput(forms.DateInput):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            format="%d.%m.%Y", attrs={"placeholder": "ДД.ММ.ГГГГ", "inputmode": "numeric"}, **kwargs
        )


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        form.add_error(target, errors)
