from django.apps import AppConfig


class CabinetConfig(AppConfig):
    name = "zachetka.cabinet"
    label = "cabinet"
    verbose_name = "Личный кабинет обучающегося"
