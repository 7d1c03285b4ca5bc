from django.urls import path

from zachetka.web import views, views_import

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("learners/import/", views_import.learner_import, name="learner_import"),
    path("learners/import/confirm/", views_import.learner_import_confirm, name="learner_import_confirm"),
]
