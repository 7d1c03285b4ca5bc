from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrganizationConfig(AppConfig):
    name = "zachetka.organization"
    label = "organization"
    verbose_name = "Организация: реквизиты"

    def ready(self) -> None:
        from zachetka.organization.defaults import ensure_requisites

        # A flushed test database loses the seeded row; put it back as after a migrate.
        post_migrate.connect(ensure_requisites, sender=self, dispatch_uid="zachetka.requisites_seed")
