from django import forms

from zachetka.core.forms import RussianDateInput
from zachetka.organization.models import Deadlines, Requisites


class RequisitesForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Requisites
        fields = list(Requisites.AUDITED_FIELDS)
        widgets = {
            "full_name": forms.Textarea(attrs={"rows": 2}),
            "address": forms.Textarea(attrs={"rows": 2}),
            "licence_date": RussianDateInput(),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["licence_date"].input_formats = ["%d.%m.%Y"]

    def _post_clean(self) -> None:
        """Model validation runs in the service, inside its transaction."""

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in Requisites.AUDITED_FIELDS}


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


class DeadlinesForm(forms.Form):
    """The organisation's deadlines; an empty field means the installation's default."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: object, deadlines: Deadlines, defaults: dict[str, int], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = deadlines.version
        for name, (_setting, lowest, highest) in Deadlines.FIELDS.items():
            model_field = Deadlines._meta.get_field(name)
            self.fields[name] = forms.IntegerField(
                label=_first_upper(str(model_field.verbose_name)),
                required=False,
                min_value=lowest,
                max_value=highest,
                initial=getattr(deadlines, name),
                help_text=f"{model_field.help_text} От {lowest} до {highest}; пусто — по умолчанию "
                f"({defaults[name]}).",
                error_messages={
                    "invalid": f"{model_field.verbose_name}: целое число от {lowest} до {highest}.",
                    "min_value": f"{model_field.verbose_name}: не меньше {lowest}.",
                    "max_value": f"{model_field.verbose_name}: не больше {highest}.",
                },
            )

    def values(self) -> dict[str, int | None]:
        return {name: self.cleaned_data[name] for name in Deadlines.FIELDS}
