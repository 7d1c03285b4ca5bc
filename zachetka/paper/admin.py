from django.contrib import admin

from zachetka.core.admin import ReadOnlyAdmin
from zachetka.paper.models import Case, PaperOriginal


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Cases and originals change only through the archive's pages, which audit each change."""

    list_display = ("year", "index", "title", "article", "retention_years", "is_permanent", "storage_place")
    list_filter = ("year", "is_permanent", "needs_expert_review")
    search_fields = ("index", "title")


@admin.register(PaperOriginal)
class PaperOriginalAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "title", "dated_on", "sheet_from", "sheet_to")
    list_filter = ("kind",)
    search_fields = ("title",)
