from django.contrib import admin

from zachetka.core.admin import ReadOnlyAdmin
from zachetka.documents.models import Document, FrdoExport, FrdoSubmission, VerificationCheck


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """Issued documents change only through the registry's pages (duplicate, exchange, ...)."""

    list_display = ("registration_number", "kind", "issue", "state", "issued_on", "last_name", "first_name")
    list_filter = ("kind", "issue", "state", "registration_year")
    search_fields = ("registration_number", "last_name", "number")


@admin.register(FrdoExport)
class FrdoExportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "template", "template_version", "year", "rows", "sha256")


@admin.register(FrdoSubmission)
class FrdoSubmissionAdmin(ReadOnlyAdmin):
    list_display = ("at", "document", "export", "state", "change_number", "note")
    list_filter = ("state",)


@admin.register(VerificationCheck)
class VerificationCheckAdmin(ReadOnlyAdmin):
    list_display = ("at", "ip_address", "via_code", "registration_number", "found")
    list_filter = ("found", "via_code")
    search_fields = ("ip_address", "registration_number")
