from django.apps import AppConfig
from django.db.models.signals import post_migrate


class GradebookConfig(AppConfig):
    name = "zachetka.gradebook"
    label = "gradebook"
    verbose_name = "Электронный журнал успеваемости"

    def ready(self) -> None:
        from zachetka.gradebook.scales import ensure_standard_scales

        post_migrate.connect(ensure_standard_scales, sender=self, dispatch_uid="zachetka.standard_scales")
        from zachetka.gradebook import jobs  # noqa: F401 - registers the app's background jobs
