from django.contrib import admin

from zachetka.core.admin import ReadOnlyAdmin
from zachetka.programs.models import Enrollment, Group, Module, Program, TeachingAssignment


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    can_delete = False
    fields = ("order", "title", "hours", "attestation_form")
    readonly_fields = fields

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Program)
class ProgramAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "hours", "study_form", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("title",)
    inlines = [ModuleInline]


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin):
    list_display = ("code", "program", "starts_on", "ends_on", "curator")
    list_filter = ("program",)
    search_fields = ("code",)


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ("learner", "group", "status", "funding")
    list_filter = ("status", "funding")
    list_select_related = ("learner", "group")


@admin.register(TeachingAssignment)
class TeachingAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("group", "module", "teacher")
    list_select_related = ("group", "module", "teacher")
