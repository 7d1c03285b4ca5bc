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

    admission_order_number = forms.CharField(label="№ приказа о зачислении", required=False, max_length=50)
    admission_order_date = forms.DateField(
        label="Дата приказа о зачислении", required=False, widget=RussianDateInput()
    )

    def __init__(self, *args: object, groups: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields[
            "admission_order_number"
        ].help_text = "Приказ записывается в каждое создаваемое зачисление в выбранную группу."

    def clean(self) -> dict:
        data = super().clean()
        number = (data.get("admission_order_number") or "").strip()
        data["admission_order_number"] = number
        order_date = data.get("admission_order_date")
        group = data.get("group")
        if "admission_order_date" in self.errors:
            return data
        if (number or order_date) and group is None:
            self.add_error("group", "Приказ о зачислении указан — выберите группу, в которую зачислять.")
        if number and not order_date:
            self.add_error("admission_order_date", "Укажите дату приказа о зачислении.")
        if order_date and not number:
            self.add_error("admission_order_number", "Укажите номер приказа о зачислении.")
        if order_date and group is not None and order_date > group.ends_on:
            self.add_error(
                "admission_order_date",
                f"Приказ о зачислении не может быть позже окончания обучения группы "
                f"({group.ends_on:%d.%m.%Y}).",
            )
        return data
