from django.contrib import admin

from zachetka.cards.models import CardVersion
from zachetka.core.admin import ReadOnlyAdmin


@admin.register(CardVersion)
class CardVersionAdmin(ReadOnlyAdmin):
    list_display = ("enrollment", "number", "created_at", "reason", "sha256")
    list_select_related = ("enrollment__learner",)
