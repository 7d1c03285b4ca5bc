from django.urls import path

from zachetka.gradebook import views

app_name = "gradebook"
urlpatterns = [
    path("groups/<int:group_pk>/modules/<int:module_pk>/gradebook/", views.grid, name="grid"),
    path(
        "groups/<int:group_pk>/modules/<int:module_pk>/gradebook/print/", views.grid_print, name="grid_print"
    ),
    path("groups/<int:group_pk>/modules/<int:module_pk>/gradebook/lock/", views.gradebook_lock, name="lock"),
    path(
        "groups/<int:group_pk>/modules/<int:module_pk>/gradebook/unlock/",
        views.gradebook_unlock,
        name="unlock",
    ),
    path(
        "groups/<int:group_pk>/modules/<int:module_pk>/assessments/new/",
        views.assessment_create,
        name="assessment_create",
    ),
    path("groups/<int:group_pk>/gradebook.xlsx", views.group_export, name="group_export"),
    path("groups/<int:group_pk>/gradebook/export/", views.group_export_job, name="group_export_job"),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/delete/", views.assessment_delete, name="assessment_delete"),
    path("assessments/<int:pk>/fill/", views.column_fill, name="column_fill"),
    path("gradebook/cell/", views.cell_save, name="cell_save"),
    path("gradebook/cell/history/", views.cell_history, name="cell_history"),
    path("gradebook/overdue/", views.overdue, name="overdue"),
    path("gradebook/my/", views.my_grades, name="my_grades"),
]
