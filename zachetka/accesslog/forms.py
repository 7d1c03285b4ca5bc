import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from zachetka.core.forms import RussianDateInput


def default_since(until: dt.date) -> dt.date:
    """Twelve months up to `until`: what a subject's request usually covers."""
    try:
        return until.replace(year=until.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        return until.replace(year=until.year - 1, day=28) + dt.timedelta(days=1)


class PeriodForm(forms.Form):
    """The period asked about, both days included (empty: the twelve months up to today), and
    on the registry's page the learner searched for by name or СНИЛС."""

    q = forms.CharField(label="Слушатель (ФИО или СНИЛС)", required=False, max_length=100)
    since = forms.DateField(label="С", required=False, widget=RussianDateInput())
    until = forms.DateField(label="По", required=False, widget=RussianDateInput())

    def clean(self) -> dict:
        data = super().clean()
        if "since" in self.errors or "until" in self.errors:
            return data
        data["until"] = data.get("until") or timezone.localdate()
        data["since"] = data.get("since") or default_since(data["until"])
        if data["since"] > data["until"]:
            raise ValidationError({"until": "Дата «по» раньше даты «с»."})
        return data
