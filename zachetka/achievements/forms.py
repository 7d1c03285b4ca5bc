from django import forms

from zachetka.achievements.models import Achievement
from zachetka.core.forms import RussianDateInput
from zachetka.programs.models import Enrollment


class EnrollmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Enrollment) -> str:
        return f"{obj.group.code} — {obj.group.program.title}"


class AchievementForm(forms.Form):
    title = forms.CharField(label="Название", max_length=255)
    kind = forms.ChoiceField(label="Вид", choices=Achievement.Kind.choices)
    achieved_on = forms.DateField(label="Дата", widget=RussianDateInput())
    enrollment = EnrollmentChoiceField(
        label="В рамках обучения", queryset=Enrollment.objects.none(), required=False, empty_label="—"
    )
    description = forms.CharField(label="Описание", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    evidence = forms.FileField(
        label="Подтверждающий файл",
        required=False,
        help_text="PDF, PNG или JPEG; тип проверяется по содержимому файла.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )

    def __init__(self, *args: object, enrollments: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].queryset = enrollments


class RejectForm(forms.Form):
    reason = forms.CharField(label="Причина отказа", widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)
