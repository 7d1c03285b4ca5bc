from django.urls import path

from zachetka.staff import views

app_name = "staff"
urlpatterns = [
    path("administration/", views.administration, name="administration"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:pk>/reactivate/", views.staff_reactivate, name="staff_reactivate"),
    path("staff/<int:pk>/invitation/", views.invitation_send, name="invitation_send"),
    path("staff/<int:pk>/assignments/", views.assignment_create, name="assignment_create"),
    path("staff/assignments/<int:pk>/delete/", views.assignment_delete, name="assignment_delete"),
    path("staff/<int:pk>/curatorship/", views.curatorship_create, name="curatorship_create"),
    path("staff/curatorship/<int:pk>/delete/", views.curatorship_delete, name="curatorship_delete"),
    path("scales/", views.scale_list, name="scale_list"),
    path("scales/new/", views.scale_create, name="scale_create"),
    path("scales/<int:pk>/", views.scale_edit, name="scale_edit"),
]
