from django.apps import AppConfig


class AccesslogConfig(AppConfig):
    name = "zachetka.accesslog"
    label = "accesslog"
    verbose_name = "Журнал доступа к сведениям слушателей"
