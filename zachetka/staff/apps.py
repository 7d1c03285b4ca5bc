from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "zachetka.staff"
    label = "staff"
    verbose_name = "Администрирование: сотрудники"
