from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "zachetka.people"
    label = "people"
    verbose_name = "Слушатели"
