from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Имя пользователя", max_length=150, widget=forms.TextInput(attrs={"autofocus": True})
    )
    password = forms.CharField(label="Пароль", strip=False, widget=forms.PasswordInput)

    error_messages = {
        "invalid_login": "Неверное имя пользователя или пароль. Обратите внимание: регистр букв важен.",
        "inactive": "Учётная запись отключена.",
    }
