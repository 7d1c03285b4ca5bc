from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "zachetka.web"
    label = "web"
    verbose_name = "Интерфейс сотрудников"
