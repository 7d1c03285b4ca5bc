from django import forms
from django.core import signing

from zachetka.gradebook.models import Assessment
from zachetka.lms.moodle import NOT_IMPORTED, GradeColumn

_SEEN_SALT = "zachetka.lms.seen_versions"


class GradebookUploadForm(forms.Form):
    file = forms.FileField(
        label="Файл экспорта оценок Moodle (CSV или XLSX)",
        help_text="В Moodle: «Оценки» → «Экспорт» → «Текстовый файл» (разделитель — запятая или "
        "точка с запятой) или «Таблица Excel»; в экспорт включите поля «Адрес электронной почты» "
        "и «Индивидуальный номер» (СНИЛС слушателя).",
    )


def _assessment_label(assessment: Assessment) -> str:
    return f"{assessment.title} ({assessment.held_on:%d.%m.%Y}, {assessment.scale.title})"


class MappingForm(forms.Form):
    """Which assessment each grade item of the file goes into (or none)."""

    def __init__(
        self,
        *args: object,
        columns: list[GradeColumn],
        assessments: list[Assessment],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(NOT_IMPORTED, "не импортировать")] + [
            (str(assessment.pk), _assessment_label(assessment)) for assessment in assessments
        ]
        self.columns = columns
        self.assessments = assessments
        for column in columns:
            self.fields[column.key] = forms.ChoiceField(label=column.header, choices=choices, required=False)

    def clean(self) -> dict:
        data = super().clean()
        chosen: dict[str, str] = {}
        for column in self.columns:
            value = data.get(column.key) or NOT_IMPORTED
            if value == NOT_IMPORTED:
                continue
            if value in chosen:
                self.add_error(
                    column.key,
                    f"Это мероприятие уже выбрано для столбца «{chosen[value]}»: одно мероприятие — "
                    "один столбец файла.",
                )
            else:
                chosen[value] = column.header
        return data

    def mapping(self) -> dict[str, int | None]:
        """Column key → assessment id or None; call after is_valid()."""
        return {
            column.key: int(self.cleaned_data[column.key]) if self.cleaned_data.get(column.key) else None
            for column in self.columns
        }

    def fields_for_columns(self) -> list[tuple[GradeColumn, forms.BoundField]]:
        return [(column, self[column.key]) for column in self.columns]


class ConfirmForm(forms.Form):
    """The preview's confirmation: the staged file, the versions it showed, overwrite and reason."""

    token = forms.CharField(widget=forms.HiddenInput)
    seen = forms.CharField(widget=forms.HiddenInput)
    overwrite = forms.BooleanField(
        label="Перезаписать выставленные оценки значениями из файла", required=False
    )
    reason = forms.CharField(
        label="Причина исправления",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Нужна, если исправляются оценки после срока внесения или журнал модуля закрыт.",
    )

    @staticmethod
    def sign_seen(versions: dict[str, int]) -> str:
        return signing.dumps(versions, salt=_SEEN_SALT, compress=True)

    @staticmethod
    def unsign_seen(text: str) -> dict:
        """The versions `sign_seen` signed (BadSignature for anything else)."""
        return signing.loads(text, salt=_SEEN_SALT)

    def clean_seen(self) -> dict[str, int]:
        try:
            versions = self.unsign_seen(self.cleaned_data["seen"])
        except signing.BadSignature as error:
            raise forms.ValidationError("Предпросмотр повреждён: откройте его заново.") from error
        return {str(key): int(value) for key, value in versions.items()}
