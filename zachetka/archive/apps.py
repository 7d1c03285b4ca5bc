from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "zachetka.archive"
    label = "archive"
    verbose_name = "Хранение: сроки, архив, резервные копии"
