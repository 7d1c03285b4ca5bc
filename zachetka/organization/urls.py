from django.urls import path

from zachetka.organization import views

app_name = "organization"
urlpatterns = [
    path("organization/", views.requisites, name="requisites"),
    path("organization/deadlines/", views.deadlines, name="deadlines"),
]
