from django import forms

from zachetka.core.forms import RussianDateInput
from zachetka.gradebook.models import Assessment, GradingScale


class AssessmentForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    due_on = forms.DateField(
        label="Внести оценки до",
        required=False,
        widget=RussianDateInput(),
        help_text="Если не указать — через установленное число дней после даты мероприятия.",
    )

    class Meta:
        model = Assessment
        fields = ["held_on", "title", "kind", "weight", "scale", "due_on"]
        widgets = {"held_on": RussianDateInput()}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scale"].queryset = GradingScale.objects.filter(is_active=True)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self) -> None:
        # Model validation runs in the service, inside its transaction.
        pass

    def clean(self) -> dict:
        data = super().clean()
        if data.get("weight") is not None and data["weight"] <= 0:
            self.add_error("weight", "Вес должен быть больше нуля.")
        if data.get("held_on") and data.get("due_on") and data["due_on"] < data["held_on"]:
            self.add_error("due_on", "Срок внесения оценок не может быть раньше даты мероприятия.")
        return data

    def assessment_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ColumnFillForm(forms.Form):
    value = forms.CharField(label="Значение", max_length=20)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Основание", max_length=255, required=False)
