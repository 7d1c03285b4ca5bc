"""Forms of the administration's «Интеграции (API)» page."""

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from zachetka.core import names


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{names.user_full_name(obj)} ({obj.get_username()})"


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Название интеграции",
        max_length=100,
        help_text="Например: «Moodle», «1С: Зарплата и кадры». По названию токен виден в журнале аудита.",
    )
    user = AccountChoiceField(
        label="Действует от имени",
        queryset=User.objects.none(),
        empty_label="— выберите учётную запись —",
        help_text="Токен получает роли и область видимости этой учётной записи: преподаватель — свои "
        "группы, учебная часть — все.",
    )

    def __init__(self, *args: object, accounts: QuerySet[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = accounts


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Основание",
        max_length=255,
        help_text="Например: «Интеграция отключена», «Токен мог стать известен посторонним».",
    )
