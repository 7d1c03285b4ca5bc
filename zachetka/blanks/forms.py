from django import forms
from django.utils import timezone

from zachetka.blanks.models import BlankForm
from zachetka.core.forms import RussianDateInput
from zachetka.core.idempotency import SubmissionKeyField


class ReceiptForm(forms.Form):
    """A range of blanks received: what, which numbers, when, by which supplier document."""

    submission_key = SubmissionKeyField()

    form = forms.ChoiceField(label="Вид бланка", choices=BlankForm.choices)
    series = forms.CharField(
        label="Серия", max_length=20, required=False, help_text="Если на бланках нет серии, оставьте пустым."
    )
    first_number = forms.CharField(label="Первый номер", max_length=40)
    last_number = forms.CharField(label="Последний номер", max_length=40)
    received_on = forms.DateField(
        label="Дата поступления", widget=RussianDateInput(), initial=timezone.localdate
    )
    supplier_document = forms.CharField(
        label="Документ поставщика",
        max_length=255,
        help_text="Например: товарная накладная № 15 от 01.03.2026.",
    )


class WriteOffForm(forms.Form):
    """Blanks spoiled before use, written off by one act."""

    submission_key = SubmissionKeyField()

    series = forms.CharField(label="Серия", max_length=20, required=False)
    first_number = forms.CharField(label="Номер (первый)", max_length=40)
    last_number = forms.CharField(
        label="Последний номер",
        max_length=40,
        required=False,
        help_text="Если списывается один бланк — пусто.",
    )
    made_on = forms.DateField(label="Дата акта", widget=RussianDateInput(), initial=timezone.localdate)
    reason = forms.CharField(
        label="Причина списания",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Например: бланк повреждён при печати; опечатка до заполнения.",
    )


class FindForm(forms.Form):
    series = forms.CharField(label="Серия", max_length=20, required=False)
    number = forms.CharField(label="Номер", max_length=40)
