from django.contrib import admin
from django.http import HttpRequest

from zachetka.core.admin import ReadOnlyAdmin
from zachetka.gradebook.models import Assessment, Grade, GradebookLock, GradeChange, GradingScale, ScaleValue


class ScaleValueInline(admin.TabularInline):
    model = ScaleValue
    extra = 0
    fields = ("order", "code", "label", "aliases", "points", "is_passing", "min_score", "max_score")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(GradingScale)
class GradingScaleAdmin(ReadOnlyAdmin):
    """Shown for reference; the administration keeps scales on «Шкалы» (staff app), where a
    used scale's values stand and every change is audited."""

    list_display = ("title", "kind", "is_active")
    inlines = [ScaleValueInline]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("title", "group", "module", "held_on", "due_on", "scale")
    list_filter = ("kind", "scale")
    list_select_related = ("group", "module", "scale")


@admin.register(Grade)
class GradeAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "enrollment", "value", "entered_by", "entered_at")
    list_select_related = ("assessment", "enrollment__learner", "entered_by")


@admin.register(GradeChange)
class GradeChangeAdmin(ReadOnlyAdmin):
    list_display = ("grade", "old_value", "new_value", "changed_by", "changed_at", "reason")
    list_select_related = ("grade", "changed_by")


@admin.register(GradebookLock)
class GradebookLockAdmin(ReadOnlyAdmin):
    list_display = ("group", "module", "locked_by", "locked_at", "reason")
