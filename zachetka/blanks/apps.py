from django.apps import AppConfig


class BlanksConfig(AppConfig):
    name = "zachetka.blanks"
    label = "blanks"
    verbose_name = "Бланки строгой отчётности"
