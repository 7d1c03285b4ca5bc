from django.apps import AppConfig


class LmsConfig(AppConfig):
    name = "zachetka.lms"
    label = "lms"
    verbose_name = "Импорт оценок из СДО"
