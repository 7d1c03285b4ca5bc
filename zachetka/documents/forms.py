from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone

from zachetka.blanks import selectors as blank_selectors
from zachetka.core.forms import RussianDateInput
from zachetka.core.idempotency import SubmissionKeyField
from zachetka.documents import frdo, selectors
from zachetka.documents.models import Document
from zachetka.programs.models import Enrollment, Group


class LearnerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Enrollment) -> str:
        return obj.learner.full_name


class IssueForm(forms.Form):
    """Issue the documents of a signed final protocol: to everyone in it or to those ticked, on
    the next free blanks of a series in stock."""

    submission_key = SubmissionKeyField()

    issued_on = forms.DateField(label="Дата выдачи", widget=RussianDateInput())
    series = forms.ChoiceField(
        label="Серия бланков",
        required=False,
        help_text="Серии с бланками этого вида на складе (без серии — в ФРДО «Нет»).",
    )
    first_number = forms.CharField(
        label="Номер первого бланка",
        max_length=40,
        required=False,
        help_text="Первый свободный бланк серии; следующие берутся по порядку из оставшихся на складе. "
        "Справки — без бланка.",
    )
    enrollments = LearnerChoiceField(
        label="Кому", queryset=Enrollment.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: object, owed: list[Enrollment], stock: list[blank_selectors.Stock], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enrollments"].queryset = (
            Enrollment.objects.filter(pk__in=[e.pk for e in owed])
            .select_related("learner")
            .order_by("learner__last_name", "learner__first_name")
        )
        self.fields["enrollments"].initial = [e.pk for e in owed]
        self.fields["issued_on"].initial = timezone.localdate()
        in_stock = [row for row in stock if row.left]
        self.fields["series"].choices = [
            (row.series, f"{row.series_label}: на складе {row.left}, первый свободный № {row.first_free}")
            for row in in_stock
        ] or [("", "бланков этого вида на складе нет")]
        if in_stock:
            self.fields["series"].initial = in_stock[0].series
            self.fields["first_number"].initial = in_stock[0].first_free
        # The first free number of each series, for the page's script to fill in on a change.
        self.first_free = {row.series: row.first_free for row in in_stock}


class StudyCertificateForm(forms.Form):
    submission_key = SubmissionKeyField()
    issued_on = forms.DateField(label="Дата выдачи", widget=RussianDateInput(), initial=timezone.localdate)


class ReplacementForm(forms.Form):
    """A duplicate or an exchange: a new blank, and why."""

    submission_key = SubmissionKeyField()

    issued_on = forms.DateField(label="Дата выдачи", widget=RussianDateInput(), initial=timezone.localdate)
    series = forms.CharField(label="Серия нового бланка", max_length=20, required=False)
    number = forms.CharField(label="Номер нового бланка", max_length=40, required=False)
    reason = forms.CharField(
        label="Основание",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Например: заявление об утрате от 01.12.2026; свидетельство о браке.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class StateForm(forms.Form):
    reason = forms.CharField(label="Основание", widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class AnnulmentForm(forms.Form):
    """Annulment of a signed final protocol, with the documents issued on it."""

    reason = forms.CharField(
        label="Основание аннулирования",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Например: приказ № 45 от 01.12.2026 — в протоколе перепутаны результаты.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class RegistryFilter(forms.Form):
    year = forms.TypedChoiceField(label="Год", coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label="Вид", required=False, choices=[("", "все виды"), *Document.Kind.choices])
    group = forms.ModelChoiceField(
        label="Группа", required=False, queryset=Group.objects.none(), empty_label="все группы"
    )

    def __init__(self, *args: object, years: list[int], groups: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "все годы"), *((y, y) for y in years)]
        self.fields["group"].queryset = groups


def registry_filter(user: User, data: QueryDict) -> tuple[RegistryFilter, dict]:
    """The registry's filter form for `data` (the page's query string) and what it chose, as
    `selectors.registry` takes it (the page and its export jobs read it the same way)."""
    groups = Group.objects.visible_to(user).order_by("-starts_on", "code")
    form = RegistryFilter(data or None, years=selectors.registry_years(), groups=groups)
    chosen = form.cleaned_data if form.is_valid() else {}
    return form, {
        "year": chosen.get("year"),
        "kind": chosen.get("kind", ""),
        "group_id": chosen["group"].pk if chosen.get("group") else None,
    }


class FrdoForm(forms.Form):
    template = forms.ChoiceField(
        label="Шаблон",
        choices=[("dpo", "ДПО (удостоверения, дипломы, справки)"), ("po", "ПО (свидетельства, справки)")],
    )
    year = forms.IntegerField(label="Год выдачи", min_value=2000, max_value=2100)
    group = forms.ModelChoiceField(
        label="Группа", required=False, queryset=Group.objects.none(), empty_label="все группы"
    )
    only_new = forms.BooleanField(
        label="Только новые и изменённые с прошлой выгрузки", required=False, initial=True
    )

    def __init__(self, *args: object, groups: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["year"].initial = timezone.localdate().year

    def clean_template(self) -> str:
        key = self.cleaned_data["template"]
        frdo.load(key)
        return key


class FrdoCorrectionForm(forms.Form):
    note = forms.CharField(
        label="Что исправлено в ФИС ФРДО",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Например: запись признана недействительной в кабинете ФИС ФРДО 02.12.2026.",
    )


class VerifyForm(forms.Form):
    registration_number = forms.CharField(label="Регистрационный номер", max_length=30)
    last_name = forms.CharField(label="Фамилия владельца", max_length=50)


class VerificationCheckFilter(forms.Form):
    """Filters of the public verification log: a period (both days included), the result and
    a registration number (typed, or of the document found)."""

    FOUND_CHOICES = [("", "все"), ("yes", "найден"), ("no", "не найден")]

    since = forms.DateField(label="С", required=False, widget=RussianDateInput())
    until = forms.DateField(label="По", required=False, widget=RussianDateInput())
    found = forms.ChoiceField(label="Документ", required=False, choices=FOUND_CHOICES)
    number = forms.CharField(label="Регистрационный номер", required=False, max_length=30)

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise ValidationError({"until": "Дата «по» раньше даты «с»."})
        return data
