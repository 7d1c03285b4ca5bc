from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class CoreConfig(AppConfig):
    name = "zachetka.core"
    label = "core"
    verbose_name = "Основа: доступ и аудит"

    def ready(self) -> None:
        from zachetka.core import guards, signals, sqlite

        sqlite.install_unicode_like()

        signals.connect_login_audit()
        post_migrate.connect(signals.sync_roles, dispatch_uid="zachetka.sync_roles")
        # SQLite rebuilds tables to alter them: its guard triggers are rebuilt around migrations.
        pre_migrate.connect(guards.drop_sqlite_guards, sender=self, dispatch_uid="zachetka.drop_guards")
        post_migrate.connect(
            guards.install_sqlite_guards, sender=self, dispatch_uid="zachetka.install_guards"
        )
