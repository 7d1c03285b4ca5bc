from django.contrib import admin

from zachetka.core.admin import ReadOnlyAdmin
from zachetka.people.models import Learner


@admin.register(Learner)
class LearnerAdmin(ReadOnlyAdmin):
    """Learners are edited on the staff pages, where every change is audited."""

    list_display = ("last_name", "first_name", "middle_name", "birth_date", "snils")
    search_fields = ("search_key", "snils")
