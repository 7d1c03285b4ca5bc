from django.contrib import admin

from zachetka.core.admin import ReadOnlyAdmin
from zachetka.organization.models import Requisites


@admin.register(Requisites)
class RequisitesAdmin(ReadOnlyAdmin):
    """Shown for reference; edited on the requisites page, where each change is audited."""

    list_display = ("full_name", "city", "head_post", "head_name", "updated_at")
