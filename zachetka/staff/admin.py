from django.contrib import admin

from zachetka.core.admin import ReadOnlyAdmin
from zachetka.staff.models import StaffProfile


@admin.register(StaffProfile)
class StaffProfileAdmin(ReadOnlyAdmin):
    """Shown for reference; staff are kept on the «Сотрудники» pages, where each change is audited."""

    list_display = ("user", "post", "deactivated_at", "deactivation_reason")
    list_select_related = ("user",)
