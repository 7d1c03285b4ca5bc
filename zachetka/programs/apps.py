from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "zachetka.programs"
    label = "programs"
    verbose_name = "Программы и группы"

    def ready(self) -> None:
        from zachetka.programs import jobs  # noqa: F401 - registers the app's background jobs
