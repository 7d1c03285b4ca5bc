from django import forms

from zachetka.core.forms import RussianDateInput
from zachetka.organization.models import Requisites


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
