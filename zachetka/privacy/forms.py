from django import forms

from zachetka.core.forms import RussianDateInput
from zachetka.privacy.models import Category, Disclosure, ProcessingAction, Recipient

_SCAN_WIDGET = forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"})
_SCAN_HELP = "PDF, PNG или JPEG до 10 МБ; тип проверяется по содержимому файла."
WITHDRAWAL_METHOD = (
    "Письменное заявление об отзыве, поданное лично или направленное почтой по адресу оператора; "
    "согласие прекращает действие со дня поступления заявления."
)


class RecipientForm(forms.Form):
    name = forms.CharField(label="Наименование", max_length=500)
    kind = forms.ChoiceField(label="Вид", choices=Recipient.Kind.choices)
    inn = forms.CharField(
        label="ИНН", max_length=12, required=False, help_text="Обязателен у юридического лица."
    )
    address = forms.CharField(label="Адрес", max_length=500)


class RepresentativeForm(forms.Form):
    last_name = forms.CharField(label="Фамилия", max_length=50)
    first_name = forms.CharField(label="Имя", max_length=50)
    middle_name = forms.CharField(label="Отчество", max_length=50, required=False, help_text="Если есть.")
    email = forms.CharField(
        label="E-mail", max_length=254, help_text="На него придёт ссылка для установки пароля."
    )
    username = forms.CharField(
        label="Логин",
        max_length=150,
        required=False,
        help_text="Пусто — логин составится из фамилии и инициалов латиницей.",
    )


class DeactivateRepresentativeForm(forms.Form):
    reason = forms.CharField(
        label="Основание", max_length=255, help_text="Например: «Письмо организации от 01.12.2026 № 15»."
    )


class ConsentForm(forms.Form):
    recipient = forms.ModelChoiceField(label="Получатель", queryset=Recipient.objects.order_by("name"))
    purpose = forms.CharField(label="Цель передачи", widget=forms.Textarea(attrs={"rows": 2}))
    categories = forms.MultipleChoiceField(
        label="Перечень данных", choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    actions = forms.MultipleChoiceField(
        label="Действия с данными", choices=ProcessingAction.choices, widget=forms.CheckboxSelectMultiple
    )
    valid_from = forms.DateField(label="Действует с", widget=RussianDateInput())
    valid_to = forms.DateField(label="Действует по", widget=RussianDateInput())
    withdrawal_method = forms.CharField(
        label="Способ отзыва", widget=forms.Textarea(attrs={"rows": 2}), initial=WITHDRAWAL_METHOD
    )
    subject_address = forms.CharField(label="Адрес субъекта", max_length=500)
    subject_id_document = forms.CharField(
        label="Документ, удостоверяющий личность",
        max_length=300,
        help_text="Вид, серия и номер, кем и когда выдан.",
    )
    representative_name = forms.CharField(
        label="ФИО представителя",
        max_length=200,
        required=False,
        help_text="Если согласие даёт представитель.",
    )
    representative_address = forms.CharField(label="Адрес представителя", max_length=500, required=False)
    representative_id_document = forms.CharField(
        label="Документ представителя", max_length=300, required=False
    )
    representative_authority = forms.CharField(
        label="Документ о полномочиях представителя", max_length=300, required=False
    )


class ScanForm(forms.Form):
    signed_on = forms.DateField(label="Дата подписания", widget=RussianDateInput())
    scan = forms.FileField(label="Скан подписанного согласия", help_text=_SCAN_HELP, widget=_SCAN_WIDGET)


class WithdrawalForm(forms.Form):
    received_on = forms.DateField(label="Дата поступления отзыва", widget=RussianDateInput())
    scan = forms.FileField(label="Скан заявления об отзыве", help_text=_SCAN_HELP, widget=_SCAN_WIDGET)


class CloseWithdrawalForm(forms.Form):
    note = forms.CharField(label="Что сделано", widget=forms.Textarea(attrs={"rows": 2}))


class DisclosureForm(forms.Form):
    recipient = forms.ModelChoiceField(label="Получатель", queryset=Recipient.objects.order_by("name"))
    categories = forms.MultipleChoiceField(
        label="Что передать", choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    channel = forms.ChoiceField(
        label="Способ передачи",
        choices=[
            (value, label)
            for value, label in Disclosure.Channel.choices
            if value != Disclosure.Channel.SYSTEM
        ],
    )
    formats = forms.MultipleChoiceField(
        label="Сформировать",
        choices=[("pdf", "PDF"), ("xlsx", "XLSX")],
        initial=["pdf"],
        widget=forms.CheckboxSelectMultiple,
    )
    legal_ground = forms.CharField(
        label="Основание в федеральном законе",
        max_length=500,
        required=False,
        help_text="Только если закон требует передачи без согласия: статья, закон, запрос.",
    )
    ground_document = forms.FileField(
        label="Документ-основание (запрос)", required=False, help_text=_SCAN_HELP, widget=_SCAN_WIDGET
    )
