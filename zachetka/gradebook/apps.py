from django.apps import AppConfig


class GradebookConfig(AppConfig):
    name = "zachetka.gradebook"
    label = "gradebook"
    verbose_name = "Электронный журнал успеваемости"
