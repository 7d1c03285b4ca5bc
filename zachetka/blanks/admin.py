from django.contrib import admin

from zachetka.blanks.models import Blank, BlankReceipt, WriteOffAct
from zachetka.core.admin import ReadOnlyAdmin


@admin.register(BlankReceipt)
class BlankReceiptAdmin(ReadOnlyAdmin):
    """Receipts, blanks and acts change only through the register's pages."""

    list_display = (
        "received_on",
        "form",
        "series",
        "first_number",
        "last_number",
        "count",
        "supplier_document",
    )
    list_filter = ("form", "series")


@admin.register(Blank)
class BlankAdmin(ReadOnlyAdmin):
    list_display = ("series", "number", "form", "state", "document", "write_off")
    list_filter = ("form", "state", "series")
    search_fields = ("series", "number")


@admin.register(WriteOffAct)
class WriteOffActAdmin(ReadOnlyAdmin):
    list_display = ("number", "made_on", "reason", "made_by")
