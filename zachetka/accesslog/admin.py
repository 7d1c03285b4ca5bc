from django.contrib import admin

from zachetka.accesslog.models import AccessRecord
from zachetka.core.admin import ReadOnlyAdmin


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    """The access log is append-only; the question it answers is asked at /access-log/."""

    list_display = ("at", "actor_name", "actor_roles", "view_name", "kind", "learner_count")
    list_filter = ("kind", "view_name")
    date_hierarchy = "at"
