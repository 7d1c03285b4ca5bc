from django import forms

from zachetka.core import roles
from zachetka.gradebook.models import GradingScale, ScaleValue

ROLE_CHOICES = [(role, role) for role in roles.STAFF_ROLES]
YES = {"да", "+", "положительная", "зачтено", "1"}
NO = {"нет", "-", "отрицательная", "неположительная", "0"}


class StaffCreateForm(forms.Form):
    last_name = forms.CharField(label="Фамилия", max_length=50)
    first_name = forms.CharField(label="Имя", max_length=50)
    middle_name = forms.CharField(label="Отчество", max_length=50, required=False, help_text="Если есть.")
    post = forms.CharField(label="Должность", max_length=150, required=False)
    email = forms.CharField(
        label="E-mail", max_length=254, help_text="На него придёт ссылка для установки пароля."
    )
    role_names = forms.MultipleChoiceField(
        label="Роли", choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    username = forms.CharField(
        label="Логин",
        max_length=150,
        required=False,
        help_text="Пусто — логин составится из фамилии и инициалов латиницей.",
    )


class StaffEditForm(forms.Form):
    post = forms.CharField(label="Должность", max_length=150, required=False)
    email = forms.CharField(label="E-mail", max_length=254)
    role_names = forms.MultipleChoiceField(
        label="Роли", choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple
    )


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label="Причина", max_length=255, help_text="Например: «Приказ от 01.12.2026 № 45-к об увольнении»."
    )


class AssignmentForm(forms.Form):
    group_module = forms.ChoiceField(label="Группа и модуль")

    def __init__(self, *args: object, pairs: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group_module"].choices = [("", "— выберите —")] + [
            (f"{group.pk}:{module.pk}", f"{group.code} — {module}") for group, module in pairs
        ]

    def ids(self) -> tuple[int, int]:
        group_id, module_id = self.cleaned_data["group_module"].split(":")
        return int(group_id), int(module_id)


class CuratorshipForm(forms.Form):
    group = forms.ModelChoiceField(label="Группа", queryset=None, empty_label="— выберите —")

    def __init__(self, *args: object, groups: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


def values_text(scale: GradingScale | None, values: list[ScaleValue]) -> str:
    """A scale's values as the form's lines."""
    numeric = scale is not None and scale.is_numeric
    lines = []
    for value in values:
        passing = "да" if value.is_passing else "нет"
        if numeric:
            lines.append(f"{value.min_score} | {value.max_score} | {value.label} | {passing}")
        else:
            lines.append(f"{value.code} | {value.label} | {value.points} | {passing} | {value.aliases}")
    return "\n".join(lines)


def _number(text: str, row: int, what: str) -> int:
    if not text.strip().isdigit():
        raise forms.ValidationError(f"Строка {row}: {what} — целое число от 0 до 100, а не «{text.strip()}».")
    return int(text)


def _passing(text: str, row: int) -> bool:
    word = text.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise forms.ValidationError(
        f"Строка {row}: положительная ли оценка — «да» или «нет», а не «{text.strip()}»."
    )


def parse_values(text: str, numeric: bool) -> list[ScaleValue]:
    """Read the form's lines into a scale's values, naming the line of any mistake."""
    values, errors = [], []
    lines = [line for line in text.splitlines() if line.strip()]
    for row, line in enumerate(lines, start=1):
        cells = [cell.strip() for cell in line.split("|")]
        try:
            if numeric:
                if len(cells) != 4:
                    raise forms.ValidationError(
                        f"Строка {row}: нужно 4 поля через «|» — от, до, название, положительная; "
                        f"а их {len(cells)}."
                    )
                low, high = _number(cells[0], row, "«от»"), _number(cells[1], row, "«до»")
                values.append(
                    ScaleValue(
                        order=row,
                        code=f"{low}–{high}",
                        label=cells[2],
                        points=low,
                        is_passing=_passing(cells[3], row),
                        min_score=low,
                        max_score=high,
                    )
                )
            else:
                if len(cells) not in (4, 5):
                    raise forms.ValidationError(
                        f"Строка {row}: нужно 4 или 5 полей через «|» — значение, название, баллы, "
                        f"положительная, другие написания; а их {len(cells)}."
                    )
                values.append(
                    ScaleValue(
                        order=row,
                        code=cells[0],
                        label=cells[1],
                        points=_number(cells[2], row, "баллы"),
                        is_passing=_passing(cells[3], row),
                        aliases=cells[4] if len(cells) == 5 else "",
                    )
                )
        except forms.ValidationError as error:
            errors.append(error)
    if errors:
        raise forms.ValidationError(errors)
    for value, field, limit in (
        (v, f, ScaleValue._meta.get_field(f).max_length) for v in values for f in ("code", "label", "aliases")
    ):
        if len(getattr(value, field)) > limit:
            raise forms.ValidationError(
                f"Строка {value.order}: «{getattr(value, field)[:20]}…» длиннее {limit} символов."
            )
    return values


VALUES_HELP_ENUMERATED = (
    "Одно значение в строке, поля через «|»: значение | название | баллы 0–100 для итога | "
    "положительная (да/нет) | другие написания через запятую. Например: «5 | отлично | 100 | да | отл»."
)
VALUES_HELP_NUMERIC = (
    "Один диапазон баллов в строке, поля через «|»: от | до | название | положительная (да/нет). "
    "Диапазоны покрывают баллы от 0 до 100 без пропусков. Например: «85 | 100 | отлично | да»."
)


class ScaleForm(forms.Form):
    title = forms.CharField(label="Наименование", max_length=100)
    is_active = forms.BooleanField(
        label="Используется",
        required=False,
        initial=True,
        help_text="Снятую шкалу нельзя выбрать для нового мероприятия.",
    )
    values = forms.CharField(label="Значения", widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(
        self, *args: object, scale: GradingScale | None = None, locked: bool = False, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.numeric = scale is not None and scale.is_numeric
        self.fields["values"].help_text = VALUES_HELP_NUMERIC if self.numeric else VALUES_HELP_ENUMERATED
        if scale is None:
            del self.fields["is_active"]
        if locked:
            self.fields["values"].disabled = True
            self.fields[
                "values"
            ].help_text = (
                "По шкале уже выставлены оценки: её значения не меняются (это изменило бы смысл оценок)."
            )

    def clean_values(self) -> list[ScaleValue]:
        return parse_values(self.cleaned_data["values"], self.numeric)
