from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "zachetka.jobs"
    label = "jobs"
    verbose_name = "Фоновые задания"
