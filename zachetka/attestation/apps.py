from django.apps import AppConfig


class AttestationConfig(AppConfig):
    name = "zachetka.attestation"
    label = "attestation"
    verbose_name = "Аттестация и протоколы"

    def ready(self) -> None:
        from zachetka.attestation import jobs  # noqa: F401 - registers the app's background jobs
