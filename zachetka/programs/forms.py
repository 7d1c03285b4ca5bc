from django import forms
from django.contrib.auth.models import User

from zachetka.core import names
from zachetka.core.forms import RussianDateInput
from zachetka.programs import selectors, services
from zachetka.programs.models import Enrollment, Group, Module, Program


class _NoModelValidation:
    """Model validation runs in the service, inside its transaction, not in the form."""

    def _post_clean(self) -> None:
        pass


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return names.user_full_name(obj)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return names.user_full_name(obj)


class ProgramForm(_NoModelValidation, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    curators = StaffMultipleChoiceField(
        label="Кураторы программы",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Program
        fields = [
            "title",
            "kind",
            "hours",
            "study_form",
            "uses_distance_learning",
            "qualification",
            "field_of_activity",
            "is_active",
        ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["curators"].queryset = selectors.curators()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.initial["curators"] = list(self.instance.curators.values_list("pk", flat=True))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == Program.Kind.RETRAINING and not data.get("qualification"):
            self.add_error(
                "qualification", "Для профессиональной переподготовки укажите присваиваемую квалификацию."
            )
        return data

    def program_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ModuleForm(_NoModelValidation, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Module
        fields = ["order", "title", "hours", "attestation_form"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def module_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class GroupForm(_NoModelValidation, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    curator = StaffChoiceField(label="Куратор группы", queryset=User.objects.none(), required=False)

    class Meta:
        model = Group
        fields = ["code", "program", "starts_on", "ends_on", "curator"]
        widgets = {"starts_on": RussianDateInput(), "ends_on": RussianDateInput()}

    def __init__(self, *args: object, programs: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["curator"].queryset = selectors.curators()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self) -> dict:
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "Дата окончания раньше даты начала.")
        return data

    def group_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AssignmentForm(forms.Form):
    module = forms.ModelChoiceField(label="Модуль", queryset=Module.objects.none())
    teacher = StaffChoiceField(label="Преподаватель", queryset=User.objects.none())

    def __init__(self, *args: object, group: Group, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = group.program.modules.all()
        self.fields["teacher"].queryset = selectors.teachers()


class EnrollmentCreateForm(forms.Form):
    learner_id = forms.IntegerField(widget=forms.HiddenInput)
    funding = forms.ChoiceField(label="Источник финансирования", choices=Enrollment.Funding.choices)
    admission_order_number = forms.CharField(label="№ приказа о зачислении", max_length=50, required=False)
    admission_order_date = forms.DateField(label="Дата приказа", required=False, widget=RussianDateInput())


class EnrollmentForm(_NoModelValidation, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label="Основание изменения", required=False, max_length=500)

    class Meta:
        model = Enrollment
        fields = [
            "status",
            "funding",
            "admission_order_number",
            "admission_order_date",
            "expulsion_order_number",
            "expulsion_order_date",
            "expulsion_reason",
            "completed_on",
            "completion_order_number",
            "completion_order_date",
        ]
        widgets = {
            "admission_order_date": RussianDateInput(),
            "expulsion_order_date": RussianDateInput(),
            "completed_on": RussianDateInput(),
            "completion_order_date": RussianDateInput(),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def enrollment_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class EnrollmentBatchForm(forms.Form):
    """What a batch action on a group's enrolments needs: an order, a reason, or both."""

    # Per action: the order it records (the labels of the fields), and which fields it needs.
    ORDERS = {
        "admission_order": "о зачислении",
        "completion_order": "о завершении обучения",
        "expel": "об отчислении",
    }

    order_number = forms.CharField(label="№ приказа", max_length=50, required=False)
    order_date = forms.DateField(label="Дата приказа", required=False, widget=RussianDateInput())
    expulsion_reason = forms.CharField(
        label="Основание отчисления",
        max_length=255,
        required=False,
        help_text="Например: «по собственному желанию», «в связи с невыполнением учебного плана».",
    )
    reason = forms.CharField(
        label="Основание изменения",
        max_length=500,
        required=False,
        help_text="Попадёт в журнал изменений каждого зачисления; для возврата к обучению после "
        "завершения или отчисления обязательно.",
    )

    def __init__(self, *args: object, action: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        order = self.ORDERS.get(action)
        if order:
            self.fields["order_number"].label = f"№ приказа {order}"
            self.fields["order_date"].label = f"Дата приказа {order}"
            self.fields["order_number"].required = self.fields["order_date"].required = True
            self.fields["order_number"].error_messages["required"] = f"Укажите номер приказа {order}."
            self.fields["order_date"].error_messages["required"] = f"Укажите дату приказа {order}."
        else:
            del self.fields["order_number"], self.fields["order_date"]
        if action == "expel":
            self.fields["expulsion_reason"].required = True
            self.fields["expulsion_reason"].error_messages["required"] = "Укажите основание отчисления."
        else:
            del self.fields["expulsion_reason"]

    def clean_order_number(self) -> str:
        return self.cleaned_data["order_number"].strip()

    def changes(self) -> dict:
        """The enrolment fields the action sets, for `services.update_enrollments`."""
        data = self.cleaned_data
        if self.action == "admission_order":
            return {
                "admission_order_number": data["order_number"],
                "admission_order_date": data["order_date"],
            }
        if self.action == "completion_order":
            return {
                "completion_order_number": data["order_number"],
                "completion_order_date": data["order_date"],
            }
        if self.action == "expel":
            return {
                "status": Enrollment.Status.EXPELLED,
                "expulsion_order_number": data["order_number"],
                "expulsion_order_date": data["order_date"],
                "expulsion_reason": data["expulsion_reason"].strip(),
            }
        if self.action == "leave":
            return {"status": Enrollment.Status.ACADEMIC_LEAVE}
        if self.action == "resume":
            return {"status": Enrollment.Status.STUDYING}
        raise ValueError(f"Unknown batch action: {self.action}")

    @property
    def action_label(self) -> str:
        return services.BATCH_ACTIONS[self.action]
