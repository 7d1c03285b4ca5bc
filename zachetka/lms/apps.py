from django.apps import AppConfig


class LmsConfig(AppConfig):
    name = "zachetka.lms"
    label = "lms"
    verbose_name = "Импорт оценок из СДО"

    def ready(self) -> None:
        from zachetka.lms import jobs  # noqa: F401 - registers the app's background job
