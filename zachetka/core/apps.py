from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "zachetka.core"
    label = "core"
    verbose_name = "Основа: доступ и аудит"

    def ready(self) -> None:
        from zachetka.core import signals, sqlite

        sqlite.install_unicode_like()

        signals.connect_login_audit()
        post_migrate.connect(signals.sync_roles, dispatch_uid="zachetka.sync_roles")
