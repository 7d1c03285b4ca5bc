from django.contrib import admin

from zachetka.achievements.models import Achievement
from zachetka.core.admin import ReadOnlyAdmin


@admin.register(Achievement)
class AchievementAdmin(ReadOnlyAdmin):
    list_display = ("title", "learner", "kind", "achieved_on", "status")
    list_filter = ("status", "kind")
    list_select_related = ("learner",)
