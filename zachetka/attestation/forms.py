from django import forms
from django.contrib.auth.models import User
from django.db.models import Q

from zachetka.attestation import selectors
from zachetka.attestation.models import Commission, Protocol
from zachetka.attestation.services import MAX_ATTEMPTS
from zachetka.core import collation
from zachetka.core.forms import RussianDateInput
from zachetka.core.idempotency import SubmissionKeyField
from zachetka.gradebook.models import GradingScale
from zachetka.programs.forms import StaffChoiceField, StaffMultipleChoiceField
from zachetka.programs.models import Group, Module, Program


class CommissionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Commission) -> str:
        return f"{obj.title}, приказ № {obj.order_number} от {obj.order_date:%d.%m.%Y}"


def _commissions_for(group: Group):
    return Commission.objects.filter(Q(group=group) | Q(program_id=group.program_id)).order_by("-order_date")


class CommissionForm(forms.Form):
    submission_key = SubmissionKeyField()
    title = forms.CharField(label="Наименование", max_length=255, initial="Аттестационная комиссия")
    program = forms.ModelChoiceField(
        label="Программа", queryset=Program.objects.none(), required=False, help_text="Для всех её групп."
    )
    group = forms.ModelChoiceField(
        label="Группа", queryset=Group.objects.none(), required=False, help_text="Или для одной группы."
    )
    order_number = forms.CharField(label="№ приказа о составе", max_length=50)
    order_date = forms.DateField(label="Дата приказа", widget=RussianDateInput())
    chair = StaffChoiceField(label="Председатель", queryset=User.objects.none())
    secretary = StaffChoiceField(label="Секретарь", queryset=User.objects.none())
    members = StaffMultipleChoiceField(
        label="Члены комиссии", queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.visible_to(user)
        self.fields["group"].queryset = Group.objects.visible_to(user).order_by("-starts_on", "code")
        staff = selectors.commission_candidates()
        for name in ("chair", "secretary", "members"):
            self.fields[name].queryset = staff

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("program") and not data.get("group"):
            self.add_error("program", "Укажите программу или группу, для которой создана комиссия.")
        return data


def _module_label(module: Module) -> str:
    return f"{module.order}. {module.title} ({module.get_attestation_form_display()})"


class StatementForm(forms.Form):
    """An intermediate attestation statement of one module, or a retake of it."""

    submission_key = SubmissionKeyField()

    module = forms.ModelChoiceField(label="Модуль", queryset=Module.objects.none())
    held_on = forms.DateField(label="Дата аттестации", widget=RussianDateInput())
    attempt = forms.TypedChoiceField(
        label="Попытка",
        coerce=int,
        choices=[(1, "1 — аттестация"), (2, "2 — первая пересдача"), (3, "3 — вторая пересдача, комиссией")],
        initial=1,
    )
    examiner = StaffChoiceField(
        label="Экзаменатор",
        queryset=User.objects.none(),
        required=False,
        help_text="Преподаватель модуля; подписывает ведомость. Если не выбран — вы.",
    )
    commission = CommissionChoiceField(
        label="Комиссия",
        queryset=Commission.objects.none(),
        required=False,
        help_text="Обязательна для второй пересдачи (ч. 6 ст. 58 273-ФЗ).",
    )

    def __init__(self, *args: object, group: Group, modules: list[Module], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = Module.objects.filter(pk__in=[m.pk for m in modules])
        self.fields["module"].label_from_instance = _module_label
        self.fields["examiner"].queryset = (
            User.objects.filter(teaching_assignments__group=group)
            .distinct()
            .order_by(*collation.collated("last_name", "first_name"), "pk")
        )
        self.fields["commission"].queryset = _commissions_for(group)

    def clean_attempt(self) -> int:
        attempt = self.cleaned_data["attempt"]
        if attempt > MAX_ATTEMPTS:
            raise forms.ValidationError("Третья пересдача не допускается.")
        return attempt


class FinalProtocolForm(forms.Form):
    submission_key = SubmissionKeyField()
    held_on = forms.DateField(label="Дата заседания", widget=RussianDateInput())
    form = forms.ChoiceField(label="Форма итоговой аттестации", choices=Protocol.FinalForm.choices)
    commission = CommissionChoiceField(label="Аттестационная комиссия", queryset=Commission.objects.none())
    scale = forms.ModelChoiceField(label="Шкала оценивания", queryset=GradingScale.objects.none())

    def __init__(self, *args: object, group: Group, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        allowed = Protocol.final_forms_for(group.program.kind)
        self.fields["form"].choices = [(v, label) for v, label in Protocol.FinalForm.choices if v in allowed]
        if group.program.kind == Program.Kind.VOCATIONAL:
            self.fields[
                "form"
            ].help_text = (
                "Профессиональное обучение завершается квалификационным экзаменом (ч. 1 ст. 74 273-ФЗ)."
            )
        self.fields["commission"].queryset = _commissions_for(group)
        self.fields["scale"].queryset = GradingScale.objects.filter(is_active=True).order_by(
            *collation.collated("title")
        )
        self.fields["scale"].initial = GradingScale.objects.filter(kind=GradingScale.Kind.FIVE_POINT).first()
