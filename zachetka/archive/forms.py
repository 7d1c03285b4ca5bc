from django import forms


class HoldForm(forms.Form):
    reason = forms.CharField(label="Основание", widget=forms.Textarea(attrs={"rows": 2}))


class ActForm(forms.Form):
    basis = forms.CharField(
        label="Основание и причина уничтожения",
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=(
            "Истечение срока хранения электронных записей: период обучения и 5 лет после его "
            "окончания (п. 6.1 Положения об индивидуальном учёте; ч. 7 ст. 5 и ч. 4 ст. 21 "
            "Федерального закона № 152-ФЗ)"
        ),
    )
