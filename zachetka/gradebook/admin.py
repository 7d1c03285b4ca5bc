from django.contrib import admin
from django.db import transaction
from django.forms import BaseInlineFormSet
from django.http import HttpRequest

from zachetka.core import audit
from zachetka.core.admin import ReadOnlyAdmin
from zachetka.gradebook.models import Assessment, Grade, GradebookLock, GradeChange, GradingScale, ScaleValue


class ScaleValueInline(admin.TabularInline):
    model = ScaleValue
    extra = 0
    fields = ("order", "code", "label", "aliases", "points", "is_passing", "min_score", "max_score")


@admin.register(GradingScale)
class GradingScaleAdmin(admin.ModelAdmin):
    """Scales are reference data the administration keeps here; every save is audited."""

    list_display = ("title", "kind", "is_active")
    inlines = [ScaleValueInline]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a scale with grades is part of the record; retire it with «используется»

    @transaction.atomic
    def save_related(
        self, request: HttpRequest, form: object, formsets: list[BaseInlineFormSet], change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        scale = form.instance
        values = [
            {
                "code": v.code,
                "label": v.label,
                "points": str(v.points),
                "passing": v.is_passing,
                "from": v.min_score,
                "to": v.max_score,
            }
            for v in scale.values.order_by("order")
        ]
        audit.record(
            by=request.user,
            action=audit.Action.SCALE_CHANGED,
            subject=scale,
            after={"title": scale.title, "kind": scale.kind, "is_active": scale.is_active, "values": values},
        )


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
