from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "zachetka.cards"
    label = "cards"
    verbose_name = "Индивидуальные карты обучающихся"

    def ready(self) -> None:
        from zachetka.cards import signals  # noqa: F401 - connects the freezing receivers
