from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet

from zachetka.core import dates, names


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


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return names.user_full_name(obj)


class AuditFilterForm(forms.Form):
    """The audit page's filters: words, action, local days (both included), a staff member,
    an object (its kind and/or id) or a learner (by ФИО or id)."""

    q = forms.CharField(label="Кто или что", required=False, max_length=100)
    action = forms.ChoiceField(label="Действие", required=False)
    since = forms.DateField(label="С", required=False, widget=RussianDateInput())
    until = forms.DateField(label="По", required=False, widget=RussianDateInput())
    actor = StaffChoiceField(
        label="Сотрудник", required=False, queryset=User.objects.none(), empty_label="любой"
    )
    subject_type = forms.ChoiceField(label="Вид объекта", required=False)
    subject_id = forms.CharField(label="№ объекта (id)", required=False, max_length=64)
    learner = forms.CharField(label="Слушатель (ФИО или id)", required=False, max_length=100)

    def __init__(
        self,
        *args: object,
        actions: list[tuple[str, str]],
        staff: QuerySet[User],
        subject_types: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "любое"), *actions]
        self.fields["actor"].queryset = staff
        self.fields["subject_type"].choices = [("", "любой"), *subject_types]

    def clean_subject_id(self) -> str:
        return self.cleaned_data["subject_id"].strip()

    def clean_learner(self) -> str:
        return " ".join(self.cleaned_data["learner"].split())

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise ValidationError({"until": "Дата «по» раньше даты «с»."})
        return data
