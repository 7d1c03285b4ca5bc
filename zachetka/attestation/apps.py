from django.apps import AppConfig


class AttestationConfig(AppConfig):
    name = "zachetka.attestation"
    label = "attestation"
    verbose_name = "Аттестация и протоколы"
