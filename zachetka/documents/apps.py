from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "zachetka.documents"
    label = "documents"
    verbose_name = "Выданные документы"
