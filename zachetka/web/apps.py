from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "zachetka.web"
    label = "web"
    verbose_name = "Интерфейс сотрудников"

    def ready(self) -> None:
        from zachetka.web import jobs  # noqa: F401 - registers the app's background jobs
