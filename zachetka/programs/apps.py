from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "zachetka.programs"
    label = "programs"
    verbose_name = "Программы и группы"
