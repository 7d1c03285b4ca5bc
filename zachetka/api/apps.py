from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zachetka.api"
    label = "api"
    verbose_name = "API для внешних систем"
