from django.urls import path

from zachetka.lms import views

app_name = "lms"
urlpatterns = [
    path(
        "groups/<int:group_pk>/modules/<int:module_pk>/gradebook/moodle/",
        views.gradebook_import,
        name="gradebook_import",
    ),
    path(
        "groups/<int:group_pk>/modules/<int:module_pk>/gradebook/moodle/preview/",
        views.gradebook_import_preview,
        name="gradebook_import_preview",
    ),
    path(
        "groups/<int:group_pk>/modules/<int:module_pk>/gradebook/moodle/confirm/",
        views.gradebook_import_confirm,
        name="gradebook_import_confirm",
    ),
    path(
        "groups/<int:group_pk>/modules/<int:module_pk>/gradebook/moodle/cancel/",
        views.gradebook_import_cancel,
        name="gradebook_import_cancel",
    ),
]
