from django.urls import path

from zachetka.people import views

app_name = "people"
urlpatterns = [
    path("learners/new/", views.learner_create, name="learner_create"),
    path("learners/<int:pk>/edit/", views.learner_edit, name="learner_edit"),
]
