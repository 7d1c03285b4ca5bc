from django.apps import AppConfig


class PaperConfig(AppConfig):
    name = "zachetka.paper"
    label = "paper"
    verbose_name = "Бумажный архив: номенклатура дел и подлинники"
