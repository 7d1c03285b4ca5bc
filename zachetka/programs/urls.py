from django.urls import path

from zachetka.programs import views

app_name = "programs"
urlpatterns = [
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("programs/<int:program_pk>/modules/new/", views.module_create, name="module_create"),
    path("modules/<int:pk>/edit/", views.module_edit, name="module_edit"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/delete/", views.assignment_delete, name="assignment_delete"),
    path("groups/<int:pk>/enroll/", views.enrollment_create, name="enrollment_create"),
    path("groups/<int:pk>/enrollments/batch/", views.enrollment_batch, name="enrollment_batch"),
    path("enrollments/", views.enrollment_list, name="enrollment_list"),
    path("enrollments/export.xlsx", views.enrollment_list_xlsx, name="enrollment_list_xlsx"),
    path("enrollments/<int:pk>/edit/", views.enrollment_edit, name="enrollment_edit"),
]
