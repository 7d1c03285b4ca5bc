from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "zachetka.privacy"
    label = "privacy"
    verbose_name = "Персональные данные: согласия и передача третьим лицам"
