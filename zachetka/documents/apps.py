from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "zachetka.documents"
    label = "documents"
    verbose_name = "Выданные документы"

    def ready(self) -> None:
        from zachetka.documents import jobs  # noqa: F401 - registers the app's background jobs
