from django.apps import AppConfig


class AchievementsConfig(AppConfig):
    name = "zachetka.achievements"
    label = "achievements"
    verbose_name = "Достижения обучающихся"
