from django.contrib import admin

from zachetka.attestation.models import (
    AcademicDebt,
    Commission,
    CommissionMember,
    Protocol,
    ProtocolMember,
    ProtocolResult,
)
from zachetka.core.admin import ReadOnlyAdmin


class CommissionMemberInline(admin.TabularInline):
    model = CommissionMember
    extra = 0
    can_delete = False
    readonly_fields = ("user", "role")

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Commission)
class CommissionAdmin(ReadOnlyAdmin):
    list_display = ("title", "order_number", "order_date", "program", "group")
    inlines = [CommissionMemberInline]


class ProtocolResultInline(admin.TabularInline):
    model = ProtocolResult
    extra = 0
    can_delete = False
    fields = (
        "enrollment",
        "value",
        "is_passing",
        "work_topic",
        "decision",
        "qualification_grade",
        "qualification",
    )
    readonly_fields = fields

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


class ProtocolMemberInline(admin.TabularInline):
    model = ProtocolMember
    extra = 0
    can_delete = False
    fields = ("user", "role", "is_present", "signed_at")
    readonly_fields = fields

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Protocol)
class ProtocolAdmin(ReadOnlyAdmin):
    """Protocols are legal records: signed ones never change, drafts change through the pages."""

    list_display = ("number", "kind", "held_on", "group", "module", "attempt", "status")
    list_filter = ("kind", "status")
    search_fields = ("number",)
    inlines = [ProtocolMemberInline, ProtocolResultInline]


@admin.register(AcademicDebt)
class AcademicDebtAdmin(ReadOnlyAdmin):
    list_display = ("enrollment", "module", "due_on", "closed_at")
    list_select_related = ("enrollment__learner", "module")
