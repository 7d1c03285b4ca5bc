from django import forms
from django.utils import timezone

from zachetka.archive.models import DestructionAct
from zachetka.attestation.models import Protocol
from zachetka.core.forms import RussianDateInput
from zachetka.core.idempotency import SubmissionKeyField
from zachetka.paper.models import PaperOriginal


class Suggestion:
    """A period the project's sources name for a kind of document (docs/sources.md § 3): shown on the
    case form for the archivist to check against the full Перечень, never filled in by itself."""

    def __init__(self, documents: str, article: str, period: str, source: str) -> None:
        self.documents, self.article, self.period, self.source = documents, article, period, source


SUGGESTIONS = (
    Suggestion(
        "Согласия на обработку персональных данных",
        "441",
        "3 года после прекращения срока действия согласия или его отзыва",
        "вторичный источник, сверить с текстом Перечня",
    ),
    Suggestion(
        "Программы повышения квалификации и профессиональной переподготовки",
        "472",
        "5 лет",
        "Перечень, раздел 8.3",
    ),
    Suggestion("Учебные планы, задания", "473", "5 лет", "Перечень, раздел 8.3"),
    Suggestion(
        "Курсовые и контрольные работы слушателей", "476", "1 год", "Перечень, раздел 8.3 (вторая колонка)"
    ),
    Suggestion(
        "Акты об уничтожении персональных данных и выгрузки из журнала",
        "—",
        "3 года с момента уничтожения",
        "п. 8 приказа Роскомнадзора № 179; статья Перечня не найдена",
    ),
)
# Kinds for which no article was found (docs/sources.md § 3.4): the archivist fills them in.
NOT_FOUND = (
    "протоколы итоговой аттестации слушателей, ведомости, книги регистрации выданных документов, "
    "личные дела слушателей"
)


class CaseForm(forms.Form):
    """A case of the nomenclature: index and year, title, article and period, place, closing."""

    submission_key = SubmissionKeyField()

    index = forms.CharField(label="Индекс дела", max_length=30, help_text="Например: 05-12.")
    year = forms.IntegerField(
        label="Год", min_value=1900, max_value=2200, initial=lambda: timezone.localdate().year
    )
    title = forms.CharField(label="Заголовок дела", max_length=500)
    article = forms.CharField(
        label="Статья перечня",
        max_length=30,
        required=False,
        help_text="Статья Перечня (приказ Росархива от 20.12.2019 № 236).",
    )
    retention_years = forms.IntegerField(
        label="Срок хранения, лет", min_value=1, max_value=100, required=False
    )
    is_permanent = forms.BooleanField(label="Хранить постоянно", required=False)
    needs_expert_review = forms.BooleanField(
        label="Отметка «ЭПК»",
        required=False,
        help_text="По истечении срока дело рассматривает экспертная комиссия.",
    )
    storage_place = forms.CharField(
        label="Место хранения", max_length=255, required=False, help_text="Помещение, стеллаж, полка."
    )
    closed_on = forms.DateField(
        label="Дата закрытия дела",
        widget=RussianDateInput(),
        required=False,
        help_text="Срок хранения считается с 1 января следующего года.",
    )


class OriginalForm(forms.Form):
    """A paper original filed in a case: what it is, its sheets, its scan."""

    submission_key = SubmissionKeyField()

    kind = forms.ChoiceField(label="Вид", choices=PaperOriginal.Kind.choices)
    title = forms.CharField(label="Документ", max_length=500, help_text="Например: протокол № ИА-2025-003.")
    dated_on = forms.DateField(label="Дата документа", widget=RussianDateInput())
    protocol_number = forms.CharField(
        label="Номер протокола в системе",
        max_length=20,
        required=False,
        help_text="Для подписанного протокола (ведомости): номер, под которым он ведётся в системе.",
    )
    act_number = forms.CharField(label="Номер акта об уничтожении в системе", max_length=20, required=False)
    sheet_from = forms.IntegerField(label="С листа", min_value=1)
    sheet_to = forms.IntegerField(label="По лист", min_value=1)
    scan = forms.FileField(
        label="Скан",
        required=False,
        help_text="PDF, PNG или JPEG; тип проверяется по содержимому файла.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )

    def __init__(self, *args: object, protocols: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.protocols = protocols

    def clean_protocol_number(self) -> Protocol | None:
        number = self.cleaned_data["protocol_number"].strip()
        if not number:
            return None
        protocol = self.protocols.filter(number=number).first()
        if protocol is None:
            raise forms.ValidationError(f"Протокола № {number} в системе нет.")
        return protocol

    def clean_act_number(self) -> DestructionAct | None:
        number = self.cleaned_data["act_number"].strip()
        if not number:
            return None
        act = DestructionAct.objects.filter(number=number).first()
        if act is None:
            raise forms.ValidationError(f"Акта № {number} в системе нет.")
        return act
