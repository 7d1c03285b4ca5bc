from django import forms

from zachetka.core import snils
from zachetka.core.forms import RussianDateInput
from zachetka.people.models import Learner


class LearnerForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    snils = forms.CharField(
        label="СНИЛС",
        required=False,
        max_length=14,
        widget=forms.TextInput(attrs={"placeholder": "123-456-789 01", "inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label="Основание изменения",
        required=False,
        max_length=500,
        help_text="Например: «смена фамилии, свидетельство о браке» — попадёт в журнал изменений.",
    )

    class Meta:
        model = Learner
        fields = list(Learner.AUDITED_FIELDS)  # the form edits exactly what the audit compares
        widgets = {"birth_date": RussianDateInput()}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.initial["snils"] = snils.format_snils(self.instance.snils)
        else:
            del self.fields["reason"]

    def clean_snils(self) -> str:
        value = self.cleaned_data["snils"].strip()
        if not value:
            return ""
        try:
            return snils.normalize(value)
        except snils.SnilsError as error:
            raise forms.ValidationError(str(error)) from error

    def _post_clean(self) -> None:
        # Model validation (uniqueness and constraints) runs in the service, inside its transaction.
        pass

    def learner_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="Файл со слушателями (XLSX или CSV)")
    group = forms.ModelChoiceField(
        label="Зачислить в группу", required=False, queryset=None, empty_label="— не зачислять —"
    )

    def __init__(self, *args: object, groups: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
