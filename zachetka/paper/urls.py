from django.urls import path

from zachetka.paper import views

app_name = "paper"

urlpatterns = [
    path("paper/", views.case_list, name="case_list"),
    path("paper/cases/new/", views.case_create, name="case_create"),
    path("paper/cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("paper/cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("paper/cases/<int:pk>/originals/new/", views.original_create, name="original_create"),
    path("paper/originals/<int:pk>/scan/", views.original_scan, name="original_scan"),
    path("paper/due/", views.due, name="due"),
]
