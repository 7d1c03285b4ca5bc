from django.contrib import admin
from django.http import HttpRequest

from zachetka.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only through services: the admin may look, never change."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor_repr", "action", "subject_repr", "reason")
    list_filter = ("action",)
    search_fields = ("actor_repr", "subject_repr", "subject_id")
    date_hierarchy = "at"


def _keep_failure_log_read_only() -> None:
    """Failed log-ins are evidence: with Django admin a superuser's, who holds every permission,
    the log's admin itself refuses changes and deletion (lifting a lock-out stays possible)."""
    from axes.models import AccessFailureLog

    if not admin.site.is_registered(AccessFailureLog):
        return
    registered = type(admin.site.get_model_admin(AccessFailureLog))

    class FailureLogAdmin(registered):  # type: ignore[misc, valid-type]
        def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
            return False

        def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
            return False

    admin.site.unregister(AccessFailureLog)
    admin.site.register(AccessFailureLog, FailureLogAdmin)


_keep_failure_log_read_only()
